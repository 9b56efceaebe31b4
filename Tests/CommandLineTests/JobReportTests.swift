import Foundation
import ObservabilityAPI
import Testing

@testable import JobReports

@Suite struct JobReportTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)
    let utc = TimeZone(identifier: "UTC")!

    func job(
        id: String = "4242",
        name: String? = "train",
        state: Components.Schemas.JobState = .completed,
        nodes: [String] = ["gpu01", "gpu02"],
        summary: Components.Schemas.JobSummary? = nil
    ) -> Components.Schemas.Job {
        Components.Schemas.Job(
            id: id,
            user: "alice",
            nodes: nodes,
            state: state,
            name: name,
            partition: "gpu",
            account: "physics",
            requestedCpus: 16,
            requestedMemoryMb: 32_768,
            requestedGpus: 2,
            exitCode: 0,
            submitTime: start.addingTimeInterval(-60),
            startTime: start,
            endTime: start.addingTimeInterval(3_600),
            runtimeSeconds: 3_600,
            summary: summary
        )
    }

    @Test func aJobWithoutRecordedUseSaysWhyNotInsteadOfShowingZeros() {
        let text = JobReport(job: job(), metrics: nil).render(style: .plain(), timeZone: utc)
        #expect(text.contains("No use recorded: no collector has reported this job"))
        #expect(!text.contains("0.0 %"))
        #expect(text.contains("Ended      2026-11-18 12:06:40 GMT (ran 1h00m)"))
    }

    @Test func usedAgainstRequestedWithBarsPerNodeAndVerdictsAsSentences() {
        let summary = Components.Schemas.JobSummary(
            cpuSeconds: 4 * 3_600,
            peakMemoryMb: 8_192,
            elapsedSeconds: 3_600,
            cpuEfficiencyPercent: 25,
            memoryEfficiencyPercent: 25,
            gpuIdlePercent: 50,
            notes: [.init(code: .cpuUnderused, message: "used 4.0 of 16 CPUs on average (25.0 %): ask for fewer")]
        )
        let samples = (0..<10).flatMap { index in
            ["gpu01", "gpu02"].map { node in
                Components.Schemas.MetricSample(
                    timestamp: start.addingTimeInterval(Double(index) * 360),
                    cpuUsage: 200,
                    memoryUsageMb: 4_000,
                    gpuUsage: index < 5 ? 0 : 80,
                    node: node,
                    memoryUsageMaxMb: 4_096,
                    samples: 12
                )
            }
        }
        let metrics = Components.Schemas.MetricList(jobId: "4242", count: Int64(samples.count), samples: samples)
        let text = JobReport(job: job(summary: summary), metrics: metrics).render(style: .plain(), timeZone: utc)
        #expect(text.contains("  CPU     [#####---------------]   25.0 %  4.0 of 16 CPUs busy on average"))
        #expect(text.contains("  Memory  [#####---------------]   25.0 %  8.0 GiB peak of 32.0 GiB"))
        #expect(text.contains("GPU     [########------------]   40.0 %  of 2 GPUs; idle in 50.0 % of samples"))
        #expect(text.contains("  gpu01   2.0 of 8      4.0 GiB    40.0 %"))
        #expect(text.contains("  - Used 4.0 of 16 CPUs on average (25.0 %): ask for fewer."))
        #expect(text.contains("  GPU     _____#####  peak 80.0 %"))
        for line in text.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
    }

    @Test func escapeSequencesFromTheServiceNeverReachTheTerminal() {
        let hostile = "\u{1B}]0;owned\u{07}\u{1B}[2Jname\u{9B}31m\u{202E}"
        let text = JobReport(job: job(name: hostile), metrics: nil).render(style: TerminalStyle(colour: true, glyphs: true, width: 80), timeZone: utc)
        #expect(!text.contains("\u{1B}]"))
        #expect(!text.contains("\u{1B}[2J"))
        #expect(!text.unicodeScalars.contains("\u{9B}"))
        #expect(!text.unicodeScalars.contains("\u{202E}"))
        #expect(text.contains("(?]0;owned??[2Jname?31m?)"))
    }

    @Test func theMetricsQueryStaysWithinTheAPIsLimitsForAnyJob() {
        var big = job(nodes: (0..<5_000).map { "n\($0)" })
        big.runtimeSeconds = 1e300
        let query = JobReport.metricsQuery(for: big, style: .plain())
        #expect((1...315_360_000).contains(query.step))
        #expect((1...10_000).contains(query.limit))
        var empty = job(nodes: [])
        empty.runtimeSeconds = .nan
        let small = JobReport.metricsQuery(for: empty, style: .plain())
        #expect(small.step == 1)
    }
}

@Suite struct TableAndGraphicsTests {
    @Test func barsAndSparklinesInBothStyles() {
        #expect(Graphics.bar(0.5, width: 10, style: .plain()) == "[#####-----]")
        #expect(Graphics.bar(2, width: 4, style: .plain()) == "[####]")
        #expect(Graphics.bar(.nan, width: 4, style: .plain()) == "[----]")
        let glyphs = TerminalStyle(colour: false, glyphs: true, width: 80)
        #expect(Graphics.bar(0.55, width: 4, style: glyphs) == "██▏░")
        #expect(Graphics.sparkline([0, 1, 2, 3, 4, 5, 6, 7], width: 8, style: glyphs) == "▁▂▃▄▅▆▇█")
        #expect(Graphics.sparkline([0, 0], width: 8, style: .plain()) == "__")
        #expect(Graphics.sparkline(Array(repeating: 1, count: 1_000), width: 10, style: .plain()).count == 10)
        #expect(Graphics.sparkline([.infinity, .nan], width: 10, style: .plain()).isEmpty)
    }

    @Test func aTableDropsColumnsInOrderThenCutsTheFlexibleOne() {
        let table = Table(
            columns: [.init(title: "ID"), .init(title: "WHEN", dropOrder: 1), .init(title: "NAME", flexible: true)],
            rows: [["1", "2026-12-02 08:00:00 UTC", String(repeating: "x", count: 60)]]
        )
        let wide = table.render(style: .plain(width: 60))
        #expect(wide[0] == "ID  WHEN                     NAME")
        #expect(wide[1] == "1   2026-12-02 08:00:00 UTC  " + String(repeating: "x", count: 30) + "~")
        let narrow = table.render(style: .plain(width: 40))
        #expect(narrow[0] == "ID  NAME")
        #expect(narrow[1] == "1   " + String(repeating: "x", count: 35) + "~")
        #expect(wide.allSatisfy { $0.count <= 60 } && narrow.allSatisfy { $0.count <= 40 })
    }

    @Test func quantitiesReadAsPeopleWriteThem() {
        #expect(Quantities.duration(45) == "45s")
        #expect(Quantities.duration(725) == "12m05s")
        #expect(Quantities.duration(3 * 86_400 + 7_200) == "3d02h")
        #expect(Quantities.duration(1e300) != "")
        #expect(Quantities.duration(-1) == "-")
        #expect(Quantities.mebibytes(512) == "512 MiB")
        #expect(Quantities.mebibytes(4_915) == "4.8 GiB")
        #expect(Quantities.count(12_345_678) == "12,345,678")
        #expect(Quantities.count(Int64.min).hasPrefix("-9,223"))
    }

    @Test func aListWhoseNumbersWouldOverflowStillRenders() {
        let job = Components.Schemas.Job(id: "1", user: "u", nodes: [], state: .pending, submitTime: Date(), runtimeSeconds: 0)
        let list = Components.Schemas.JobList(jobs: [job], total: Int64.max, limit: 50, offset: Int64.max)
        let text = JobsTable(list: list).render(style: .plain())
        #expect(text.contains("1 of 9,223,372,036,854,775,807 jobs."))
        let paged = Components.Schemas.JobList(jobs: [job], total: 2, limit: 1, offset: 0, nextCursor: "abc\u{1B}")
        #expect(JobsTable(list: paged).render(style: .plain()).hasSuffix("1 of 2 jobs; the next page: --cursor abc?\n"))
    }

    /// Two clusters' job 7 on one page: each line says whose it is. One cluster's page, or
    /// jobs recorded without one, keep the columns they had.
    @Test func aPageOfSeveralClustersSaysWhoseEachJobIs() {
        func job(_ cluster: String?) -> Components.Schemas.Job {
            Components.Schemas.Job(id: "7", user: "u", nodes: [], state: .pending, cluster: cluster, submitTime: Date(), runtimeSeconds: 0)
        }
        let mixed = JobsTable(list: .init(jobs: [job("alpha"), job("beta\u{1B}"), job(nil)], total: 3, limit: 50, offset: 0))
        let lines = mixed.render(style: .plain(width: 120)).split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("JOBID  CLUSTER  USER"))
        #expect(lines[1].hasPrefix("7      alpha    u"))
        #expect(lines[2].hasPrefix("7      beta?    u"))
        #expect(lines[3].hasPrefix("7      -        u"))
        let single = JobsTable(list: .init(jobs: [job("alpha"), job("alpha")], total: 2, limit: 50, offset: 0))
        #expect(!single.render(style: .plain(width: 120)).contains("CLUSTER"))
    }

    @Test func styleFollowsTheTerminalNoColorAndColumns() {
        let terminal = TerminalStyle.detect(isTerminal: true, environment: [:], terminalColumns: 132)
        #expect(terminal.colour && terminal.glyphs && terminal.width == 132)
        let noColour = TerminalStyle.detect(isTerminal: true, environment: ["NO_COLOR": "1"], terminalColumns: nil)
        #expect(!noColour.colour && noColour.glyphs && noColour.width == 80)
        let pipe = TerminalStyle.detect(isTerminal: false, environment: ["COLUMNS": "100"], terminalColumns: nil)
        #expect(!pipe.colour && !pipe.glyphs && pipe.width == 100)
        #expect(TerminalStyle.detect(isTerminal: false, environment: ["COLUMNS": "-5"], terminalColumns: nil).width == 80)
        #expect(TerminalStyle.detect(isTerminal: false, environment: ["COLUMNS": "999999999999"], terminalColumns: nil).width == 400)
    }
}
