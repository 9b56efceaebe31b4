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
        var table = Table(
            columns: [
                .init(title: "JOBID"),
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
            ],
            rows: []
        )
        for job in list.jobs {
            let summary = job.summary
            table.rows.append([
                Printable.text(job.id),
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
            ])
        }
        var lines = table.render(style: style)
        // The service's numbers, so added without trapping.
        let end = list.offset.addingReportingOverflow(Int64(list.jobs.count))
        let last = end.overflow ? Int64.max : end.partialValue
        if list.total > last || list.offset > 0 {
            let first = list.offset == Int64.max ? list.offset : list.offset + 1
            lines.append(
                "Jobs \(Quantities.count(first))-\(Quantities.count(last)) of \(Quantities.count(list.total)); --limit and --offset show others."
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func percent(_ value: Double?) -> String {
        value.map { Quantities.decimal($0, digits: 0) } ?? "-"
    }
}
