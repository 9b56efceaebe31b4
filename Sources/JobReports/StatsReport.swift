public import Foundation
public import ObservabilityAPI

/// `hpc-obs stats`: jobs by state and active partitions now, then who and which partitions
/// used the most CPU and GPU hours over the window, and how many GPU hours sat idle.
public struct StatsReport: Sendable {
    public var stats: Components.Schemas.Stats

    public init(stats: Components.Schemas.Stats) {
        self.stats = stats
    }

    public func render(style: TerminalStyle, timeZone: TimeZone = .current) -> String {
        let time = TimeFormat(timeZone: timeZone)
        var lines = [style.paint("Jobs now", .bold)]
        let counts = stats.jobsByState
        let byState: [(String, Int64)] = [
            ("pending", counts.pending), ("running", counts.running), ("suspended", counts.suspended),
            ("completed", counts.completed), ("failed", counts.failed), ("cancelled", counts.cancelled),
            ("timeout", counts.timeout), ("node_fail", counts.nodeFail), ("out_of_memory", counts.outOfMemory),
            ("preempted", counts.preempted),
        ]
        let nonZero = byState.filter { $0.1 > 0 }
        lines.append("  " + (nonZero.isEmpty ? "none" : nonZero.map { "\($0.0) \(Quantities.count($0.1))" }.joined(separator: ", ")))

        if !stats.activeByPartition.isEmpty {
            lines.append("")
            lines.append(style.paint("Active by partition", .bold))
            let table = Table(
                columns: [
                    .init(title: "PARTITION", flexible: true), .init(title: "PENDING", rightAligned: true),
                    .init(title: "RUNNING", rightAligned: true), .init(title: "SUSPENDED", rightAligned: true),
                ],
                rows: stats.activeByPartition.map {
                    [
                        $0.partition.map(Printable.text) ?? "(none)", Quantities.count($0.pending), Quantities.count($0.running),
                        Quantities.count($0.suspended),
                    ]
                }
            )
            lines += table.render(style: style, indent: "  ")
        }

        let window = stats.window
        lines.append("")
        lines.append(style.paint("From \(time.short(window.since)) to \(time.short(window.until))", .bold))
        lines += use("USER", window.users, style: style)
        lines.append("")
        lines += use("PARTITION", window.partitions, style: style)
        return lines.joined(separator: "\n") + "\n"
    }

    private func use(_ title: String, _ entries: [Components.Schemas.ResourceUse], style: TerminalStyle) -> [String] {
        guard !entries.isEmpty else { return ["  No jobs ran in this window."] }
        let top = entries.map(\.cpuHours).max() ?? 0
        let barWidth = 12
        var table = Table(
            columns: [
                .init(title: title, flexible: true), .init(title: "JOBS", rightAligned: true),
                .init(title: "CPU-HOURS", rightAligned: true), .init(title: "", dropOrder: 1),
                .init(title: "GPU-HOURS", rightAligned: true), .init(title: "IDLE-GPU-HOURS", rightAligned: true),
            ],
            rows: []
        )
        for entry in entries {
            table.rows.append([
                entry.name.map(Printable.text) ?? "(none)",
                Quantities.count(entry.jobs),
                Quantities.decimal(entry.cpuHours, digits: 1),
                Graphics.bar(top > 0 ? entry.cpuHours / top : 0, width: barWidth, style: style),
                Quantities.decimal(entry.gpuHours, digits: 1),
                Quantities.decimal(entry.idleGpuHours, digits: 1),
            ])
        }
        return table.render(style: style, indent: "  ")
    }
}
