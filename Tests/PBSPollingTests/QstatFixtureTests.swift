import Foundation
import ObservabilityCore
import SchedulerFormats
import Testing

@testable import PBSPolling

/// What a real OpenPBS 23.06 server printed (Fixtures/openpbs-23.06, copied byte for byte from
/// the captures; its README says which job is in which file), read and mapped as the poller
/// does. Each job must end in the state that README records.
@Suite("qstat -F json from a real OpenPBS 23.06")
struct QstatFixtureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/openpbs-23.06")

    static func snapshot(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    static func parsed(_ name: String) throws -> [String: QstatJobRecord] {
        let parsed = try QstatJSON.parse(try snapshot(name))
        #expect(parsed.skipped.isEmpty, "\(name): \(parsed.skipped)")
        return Dictionary(uniqueKeysWithValues: parsed.jobs.map { ($0.id, $0) })
    }

    /// Each job's state and exit code as the service records them.
    static func outcomes(_ name: String) throws -> [String: String] {
        var outcomes: [String: String] = [:]
        for (id, record) in try parsed(name) {
            guard let event = PBSJobMapper.event(for: record, cluster: nil, now: Date()) else {
                outcomes[id] = "-"
                continue
            }
            switch event.kind {
            case .ended: outcomes[id] = "\(event.finalState!.rawValue) \(event.exitCode.map(String.init) ?? "none")"
            case .started, .resumed: outcomes[id] = "running"
            case .suspended: outcomes[id] = "suspended"
            case .submitted, .requeued: outcomes[id] = "pending"
            }
        }
        return outcomes
    }

    @Test func everySnapshotParsesWhole() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter {
            $0.hasPrefix("qstat-") && $0.hasSuffix(".json")
        }
        #expect(files.count == 17)
        for file in files {
            _ = try Self.parsed(file)
        }
        // Nothing unfinished: qstat -f prints no Jobs key at all.
        #expect(try QstatJSON.parse(try Self.snapshot("qstat-f-F-json-finished.json")).jobs.isEmpty)
    }

    /// The `mixed` moment: every kind of end, a running array task, queued and held jobs.
    @Test func theMixedMomentHoldsEveryState() throws {
        let outcomes = try Self.outcomes("qstat-ftx-F-json-mixed.json")
        #expect(outcomes["15.vm"] == "completed 0")
        #expect(outcomes["16.vm"] == "failed 3")
        #expect(outcomes["17.vm"] == "timeout -29")
        // Deleted while running: the epilogue sees only SIGTERM (271); substate 91 says qdel.
        #expect(outcomes["18.vm"] == "cancelled 143")
        #expect(outcomes["19.vm"] == "running")
        #expect(outcomes["20[].vm"] == "-")
        #expect(outcomes["20[1].vm"] == "running")
        #expect(outcomes["20[2].vm"] == "pending" && outcomes["20[3].vm"] == "pending")
        #expect(outcomes["21.vm"] == "pending")
        #expect(outcomes["22.vm"] == "pending")
        // Deleted while held: no Exit_status at all.
        #expect(outcomes["23.vm"] == "cancelled none")
    }

    @Test func theFinishedMomentEndsEveryJobAsItsReadmeSays() throws {
        let expected = [
            "15.vm": "completed 0", "16.vm": "failed 3", "17.vm": "timeout -29", "18.vm": "cancelled 143", "19.vm": "completed 0",
            "20[].vm": "-", "20[1].vm": "completed 0", "20[2].vm": "completed 0", "20[3].vm": "completed 0", "21.vm": "completed 0",
            "22.vm": "completed 0", "23.vm": "cancelled none", "24.vm": "completed 0",
        ]
        #expect(try Self.outcomes("qstat-ftx-F-json-finished.json") == expected)
        // Without -t only the array's parent is listed, and it is not a job that ran.
        var parentOnly = expected.filter { !$0.key.hasPrefix("20[") || $0.key == "20[].vm" }
        parentOnly["20[].vm"] = "-"
        #expect(try Self.outcomes("qstat-fx-F-json-finished.json") == parentOnly)
    }

    @Test func eachMomentInOrder() throws {
        let early = try Self.outcomes("qstat-fx-F-json-early.json")
        #expect(early["17.vm"] == "running" && early["18.vm"] == "running")
        let arrayFinished = try Self.outcomes("qstat-ftx-F-json-array-finished.json")
        #expect(["20[1].vm", "20[2].vm", "20[3].vm"].allSatisfy { arrayFinished[$0] == "completed 0" })
        #expect(try Self.outcomes("qstat-ftx-F-json-rerun.json")["24.vm"] == "running")
        let selectRunning = try Self.outcomes("qstat-ftx-F-json-select-running.json")
        #expect(selectRunning["21.vm"] == "running" && selectRunning["22.vm"] == "pending" && selectRunning["24.vm"] == "completed 0")
    }

    @Test func timesHostsAndRequests() throws {
        let mixed = try Self.parsed("qstat-ftx-F-json-mixed.json")
        let deleted = try #require(mixed["18.vm"])
        // ctime(3)'s text, read as UTC: 2026-12-01 23:42:26.
        #expect(deleted.submitTime == RFC3339.parse("2026-12-01T23:42:26Z"))
        #expect(deleted.startTime == RFC3339.parse("2026-12-01T23:42:26Z"))
        #expect(deleted.endTime == RFC3339.parse("2026-12-01T23:42:36Z"))
        #expect(deleted.user == "pbsuser" && deleted.queue == "workq" && deleted.name == "delrun" && deleted.hosts == ["vm"])

        // Job 21 waited in the queue: submitted at 23:42:39, ran when two CPUs were free.
        let running = try #require(try Self.parsed("qstat-ftx-F-json-select-running.json")["21.vm"])
        let event = try #require(PBSJobMapper.event(for: running, cluster: nil, now: Date()))
        #expect(event.submitTime == RFC3339.parse("2026-12-01T23:42:39Z"))
        #expect(try #require(event.startTime) > (event.submitTime ?? .distantFuture))
        #expect(event.nodes == ["vm"] && event.requestedCPUs == 2 && event.requestedMemoryBytes == 200 << 20)
        #expect(event.attributes.cluster == "vm" && event.attributes.partition == "workq")

        // The rerun is the job's second run, a different event from its first.
        let rerun = try #require(try Self.parsed("qstat-ftx-F-json-rerun.json")["24.vm"])
        #expect(rerun.runCount == 2)
        #expect(PBSJobMapper.event(for: rerun, cluster: "site", now: Date())?.id == "pbs-poll:24.vm:running:r2")
        #expect(PBSJobMapper.event(for: rerun, cluster: "site", now: Date())?.attributes.cluster == "site")
    }

    @Test func everyStateLetter() {
        #expect(["Q", "H", "W", "T"].allSatisfy { PBSJobMapper.phase($0) == .pending })
        #expect(["R", "E"].allSatisfy { PBSJobMapper.phase($0) == .running })
        #expect(["S", "U"].allSatisfy { PBSJobMapper.phase($0) == .suspended })
        #expect(["F", "X"].allSatisfy { PBSJobMapper.phase($0) == .ended })
        #expect(PBSJobMapper.phase("B") == nil && PBSJobMapper.phase("M") == nil && PBSJobMapper.phase("") == nil)
    }

    @Test func hostileDocuments() {
        #expect(throws: SchedulerFormatError.self) { try QstatJSON.parse(Data("not json".utf8)) }
        #expect(throws: SchedulerFormatError.self) { try QstatJSON.parse(Data("[1, 2]".utf8)) }
        // A job without an owner or state, or with an id the store refuses, is left out alone.
        let document = """
            {"Jobs": {"1.s": {"job_state": "Q"}, "2.s": {"Job_Owner": "ann@s"}, "": {"Job_Owner": "x@s", "job_state": "Q"},
             "3.s": {"Job_Owner": "ann@s", "job_state": "Q", "ctime": "Tue Dec 99 25:00:00 2026", "Exit_status": "x"}}}
            """
        let parsed = try? QstatJSON.parse(Data(document.utf8))
        #expect(parsed?.jobs.map(\.id) == ["3.s"] && parsed?.skipped.count == 3)
        #expect(parsed?.jobs.first?.submitTime == nil && parsed?.jobs.first?.exitStatus == nil)
    }

    @Test func qstatGetsWhatItNeedsAndNoSecrets() {
        let passed = QstatCommand.environment([
            "PATH": "/usr/bin", "PBS_CONF_FILE": "/etc/pbs.conf", "PBS_SERVER": "vm", "TZ": "Europe/Paris",
            "API_TOKEN": "secret", "DATABASE_URL": "postgres://u:pw@db/x", "HPC_OBS_TOKEN_FILE": "/etc/t",
        ])
        #expect(passed == ["PATH": "/usr/bin", "PBS_CONF_FILE": "/etc/pbs.conf", "PBS_SERVER": "vm", "TZ": "UTC"])
    }

    @Test func pbsConfFindsQstat() {
        #expect(QstatCommand.pbsExec(configText: "PBS_SERVER=vm\nPBS_EXEC=/opt/pbs\nPBS_HOME=/var/spool/pbs\n") == "/opt/pbs")
        #expect(QstatCommand.pbsExec(configText: "PBS_EXEC=relative\n") == nil)
        #expect(QstatCommand.pbsExec(configText: "") == nil)
        let onPath = QstatCommand.find(environment: ["PBS_CONF_FILE": "/nonexistent", "PATH": "/a:relative:/b"]) { $0 == "/b/qstat" }
        #expect(onPath == "/b/qstat")
        #expect(QstatCommand.find(environment: ["PBS_CONF_FILE": "/nonexistent", "PATH": "/a"]) { _ in false } == nil)
    }
}
