public import Foundation
public import ObservabilityAPI

/// `hpc-obs jobs`: one line a job, newest first as the service sends them, with how well
/// each used its CPUs, memory and GPUs.
public struct JobsTable: Sendable {
    public var list: Components.Schemas.JobList

    public init(list: Components.Schemas.JobList) {
        self.list = list
    }

    public func render(style: TerminalStyle, timeZone: TimeZone = .current) -> String {
        guard !list.jobs.isEmpty else {
            return list.total > 0 ? "No jobs on this page (\(Quantities.count(list.total)) match; lower --offset).\n" : "No jobs match.\n"
        }
        let time = TimeFormat(timeZone: timeZone)
        // Two clusters' job 123 are two jobs with one id: the page says whose each is. A
        // single cluster's page keeps the columns it always had.
        let showsCluster = Set(list.jobs.map(\.cluster)).count > 1
        var table = Table(
            columns: [
                .init(title: "JOBID"),
                showsCluster ? .init(title: "CLUSTER") : nil,
                .init(title: "USER"),
                .init(title: "STATE"),
                .init(title: "PARTITION", dropOrder: 3),
                .init(title: "NODES", rightAligned: true, dropOrder: 2),
                .init(title: "SUBMITTED", dropOrder: 1),
                .init(title: "ELAPSED", rightAligned: true),
                .init(title: "CPU%", rightAligned: true),
                .init(title: "MEM%", rightAligned: true),
                .init(title: "GPUIDLE%", rightAligned: true, dropOrder: 4),
                .init(title: "NAME", flexible: true),
            ].compactMap { $0 },
            rows: []
        )
        for job in list.jobs {
            let summary = job.summary
            table.rows.append(
                [
                    Printable.text(job.id),
                    showsCluster ? job.cluster.map(Printable.text) ?? "-" : nil,
                    Printable.text(job.user),
                    job.state.rawValue,
                    job.partition.map(Printable.text) ?? "-",
                    job.nodes.isEmpty ? "-" : Quantities.count(Int64(job.nodes.count)),
                    time.monthDay(job.submitTime),
                    job.startTime == nil ? "-" : Quantities.duration(job.runtimeSeconds),
                    percent(summary?.cpuEfficiencyPercent),
                    percent(summary?.memoryEfficiencyPercent),
                    percent(summary?.gpuIdlePercent),
                    job.name.map(Printable.text) ?? "",
                ].compactMap { $0 }
            )
        }
        var lines = table.render(style: style)
        if list.total > Int64(list.jobs.count) {
            let shown = "\(Quantities.count(Int64(list.jobs.count))) of \(Quantities.count(list.total)) jobs"
            lines.append(list.nextCursor.map { "\(shown); the next page: --cursor \(Printable.text($0))" } ?? "\(shown).")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func percent(_ value: Double?) -> String {
        value.map { Quantities.decimal($0, digits: 0) } ?? "-"
    }
}
