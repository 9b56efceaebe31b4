public import Foundation
public import ObservabilityAPI

/// `hpc-obs job ID`: who ran the job, where and when, how it ended, what it asked for
/// against what it used (per node where the collectors said), a sparkline of each series and
/// the service's verdicts in sentences. A `seff` that knows GPUs.
public struct JobReport: Sendable {
    public var job: Components.Schemas.Job
    /// The job's samples, downsampled by the service; nil when they could not be read.
    public var metrics: Components.Schemas.MetricList?

    public init(job: Components.Schemas.Job, metrics: Components.Schemas.MetricList?) {
        self.job = job
        self.metrics = metrics
    }

    /// The step to ask the service for: about one point per sparkline cell, within the
    /// API's 10,000 points for all nodes together.
    public static func metricsQuery(for job: Components.Schemas.Job, style: TerminalStyle) -> (step: Int, limit: Int) {
        let cells = sparklineCells(style)
        let nodes = max(job.nodes.count, 1)
        let seconds = job.runtimeSeconds.isFinite ? max(job.runtimeSeconds, 1) : 1
        let perNode = max(1, min(cells, 10_000 / nodes))
        let step = Int(min((seconds / Double(perNode)).rounded(.up), 315_360_000))
        return (max(step, 1), min(10_000, (perNode + 1) * nodes))
    }

    public func render(style: TerminalStyle, timeZone: TimeZone = .current) -> String {
        var lines: [String] = []
        lines += header(style: style, time: TimeFormat(timeZone: timeZone))
        lines.append("")
        lines += requestedAndUsed(style: style)
        let nodes = NodeUsage.from(metrics?.samples ?? [])
        if nodes.count > 1 || (nodes.count == 1 && job.nodes.count > 1) {
            lines.append("")
            lines += perNode(nodes, style: style)
        }
        let series = overTime(style: style)
        if !series.isEmpty {
            lines.append("")
            lines += series
        }
        lines.append("")
        lines += verdicts(style: style)
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Sections

    private func header(style: TerminalStyle, time: TimeFormat) -> [String] {
        var title = "Job \(Printable.text(job.id))"
        if let name = job.name, !name.isEmpty { title += " (\(Printable.text(name)))" }
        var outcome = stateWord(job.state, style: style)
        if let exitCode = job.exitCode { outcome += ", exit code \(exitCode)" }
        var lines = [style.paint(Printable.fit(title, max(style.width - 40, 20), style: style), .bold) + ": " + outcome]

        var who = Printable.text(job.user)
        if let account = job.account { who += ", account \(Printable.text(account))" }
        lines.append(field("User", who))
        var whereText = job.partition.map { "partition \(Printable.text($0))" } ?? "no partition"
        if !job.nodes.isEmpty {
            let list = job.nodes.prefix(8).map(Printable.text).joined(separator: ",") + (job.nodes.count > 8 ? ",…" : "")
            whereText += " on \(job.nodes.count == 1 ? "node" : "\(job.nodes.count) nodes") \(list)"
        }
        if let cluster = job.cluster { whereText += ", cluster \(Printable.text(cluster))" }
        lines.append(field("Where", Printable.fit(whereText, style.width - 12, style: style)))
        lines.append(field("Submitted", time.full(job.submitTime)))
        if let start = job.startTime {
            lines.append(field("Started", time.full(start) + " (waited \(Quantities.duration(start.timeIntervalSince(job.submitTime))))"))
        }
        if let end = job.endTime {
            lines.append(field("Ended", time.full(end) + " (ran \(Quantities.duration(job.runtimeSeconds)))"))
        } else if job.startTime != nil {
            lines.append(field("Running", "for \(Quantities.duration(job.runtimeSeconds))"))
        }
        return lines
    }

    private func requestedAndUsed(style: TerminalStyle) -> [String] {
        var lines = [style.paint("Requested and used", .bold)]
        guard let summary = job.summary else {
            lines.append(
                job.startTime == nil
                    ? "  Nothing yet: the job has not started."
                    : "  No use recorded: no collector has reported this job (is the node agent running on its nodes?)."
            )
            return lines
        }
        let barWidth = max(10, min(30, style.width - 60))
        func row(_ label: String, _ percent: Double?, _ text: String) -> String {
            let bar =
                percent.map { Graphics.bar($0 / 100, width: barWidth, style: style) }
                ?? String(repeating: " ", count: Graphics.barCells(barWidth, style: style))
            let shown = percent.map { pad(Quantities.percent($0), 8) } ?? pad("", 8)
            let painted = percent.map { style.paint(bar, colour(forUse: $0)) } ?? bar
            let room = style.width - 2 - 8 - Graphics.barCells(barWidth, style: style) - 1 - 8 - 2
            return "  " + label.padding(toLength: 8, withPad: " ", startingAt: 0) + painted + " " + shown + "  "
                + Printable.fit(text, max(room, 12), style: style)
        }
        let elapsed = summary.elapsedSeconds
        let cores = elapsed > 0 ? summary.cpuSeconds / elapsed : 0
        let cpuText =
            job.requestedCpus.map { "\(Quantities.decimal(cores, digits: 1)) of \($0) CPUs busy on average" }
            ?? "\(Quantities.decimal(cores, digits: 1)) CPUs busy on average"
        lines.append(row("CPU", summary.cpuEfficiencyPercent, cpuText))
        let memoryText =
            job.requestedMemoryMb.map { "\(Quantities.mebibytes(summary.peakMemoryMb)) peak of \(Quantities.mebibytes($0))" }
            ?? "\(Quantities.mebibytes(summary.peakMemoryMb)) peak"
        lines.append(row("Memory", summary.memoryEfficiencyPercent, memoryText))
        let gpus = job.requestedGpus ?? 0
        let gpuMean = NodeUsage.meanGPU(metrics?.samples ?? [])
        if gpus > 0 || gpuMean != nil {
            var text = gpus > 0 ? "of \(gpus) GPU\(gpus == 1 ? "" : "s")" : "busy"
            if let idle = summary.gpuIdlePercent { text += "; idle in \(Quantities.percent(idle)) of samples" }
            lines.append(row("GPU", gpuMean, text))
        }
        return lines
    }

    private func perNode(_ nodes: [NodeUsage], style: TerminalStyle) -> [String] {
        let shown = nodes.prefix(20)
        let perNodeCPUs = job.requestedCpus.map { Double($0) / Double(max(job.nodes.count, 1)) }
        let hasGPU = nodes.contains { $0.gpuPercent != nil }
        var table = Table(
            columns: [
                .init(title: "Node", flexible: true),
                .init(title: "CPUs busy", rightAligned: true),
                .init(title: "Memory peak", rightAligned: true),
            ] + (hasGPU ? [.init(title: "GPU busy", rightAligned: true)] : []),
            rows: []
        )
        for node in shown {
            var cpus = Quantities.decimal(node.cores, digits: 1)
            if let perNodeCPUs { cpus += " of \(Quantities.decimal(perNodeCPUs, digits: perNodeCPUs.rounded() == perNodeCPUs ? 0 : 1))" }
            var row = [Printable.text(node.name), cpus, Quantities.mebibytes(node.peakMemoryMb)]
            if hasGPU { row.append(node.gpuPercent.map(Quantities.percent) ?? "-") }
            table.rows.append(row)
        }
        var lines = [style.paint("Per node", .bold)] + table.render(style: style, indent: "  ")
        if nodes.count > shown.count { lines.append("  … and \(nodes.count - shown.count) more nodes") }
        return lines
    }

    private func overTime(style: TerminalStyle) -> [String] {
        guard let samples = metrics?.samples, !samples.isEmpty else { return [] }
        let series = TimeSeries.from(samples)
        let cells = Self.sparklineCells(style)
        var lines = [style.paint("Over time", .bold) + " (\(Quantities.count(Int64(series.cpuCores.count))) points)"]
        func row(_ label: String, _ values: [Double], _ peak: String) {
            let line = Graphics.sparkline(values, width: cells, style: style)
            lines.append("  " + label.padding(toLength: 8, withPad: " ", startingAt: 0) + line + "  peak " + peak)
        }
        row("CPU", series.cpuCores, "\(Quantities.decimal(series.cpuCores.max() ?? 0, digits: 1)) CPUs")
        row("Memory", series.memoryMb, Quantities.mebibytes(series.memoryMb.max() ?? 0))
        if series.gpuPercent.contains(where: { $0 != nil }) {
            let values = series.gpuPercent.map { $0 ?? 0 }
            row("GPU", values, Quantities.percent(values.max() ?? 0))
        }
        return lines
    }

    private func verdicts(style: TerminalStyle) -> [String] {
        var lines = [style.paint("Verdicts", .bold)]
        let notes = job.summary?.notes ?? []
        if job.summary == nil {
            lines.append("  None until a collector has reported the job.")
        } else if notes.isEmpty {
            lines.append("  Nothing to say: the job used what it asked for.")
        }
        let bullet = style.glyphs ? "•" : "-"
        for note in notes {
            lines += Self.wrap(Self.sentence(Printable.text(note.message)), width: style.width - 4).enumerated().map { index, text in
                (index == 0 ? "  \(bullet) " : "    ") + text
            }
        }
        return lines
    }

    // MARK: Pieces

    static func sparklineCells(_ style: TerminalStyle) -> Int {
        max(10, min(120, style.width - 30))
    }

    private func field(_ label: String, _ value: String) -> String {
        "  " + label.padding(toLength: 11, withPad: " ", startingAt: 0) + value
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(width - text.count, 0)) + text
    }

    private func colour(forUse percent: Double) -> TerminalStyle.Colour {
        percent < 25 ? .red : percent < 50 ? .yellow : .green
    }

    func stateWord(_ state: Components.Schemas.JobState, style: TerminalStyle) -> String {
        let word = state.rawValue.replacingOccurrences(of: "_", with: " ")
        switch state {
        case .completed: return style.paint(word, .green)
        case .failed, .timeout, .nodeFail, .outOfMemory, .cancelled, .preempted: return style.paint(word, .red)
        case .pending, .running, .suspended: return style.paint(word, .yellow)
        }
    }

    /// A note as a sentence: capital first letter, full stop at the end.
    static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        var result = first.uppercased() + text.dropFirst()
        if let last = result.last, !".!?".contains(last) { result += "." }
        return result
    }

    /// Words wrapped at `width`; a word longer than a line gets a line of its own.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= max(width, 20) {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
