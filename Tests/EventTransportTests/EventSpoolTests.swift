import EventTransport
import Foundation
import ObservabilityCore
import Testing

@Suite("Event spool and wire format")
struct EventSpoolTests {
    func scratchDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hpc-obs-spool-\(UUID().uuidString)").path
        return path
    }

    let event = LifecycleEvent(
        id: "slurm:7:epilog_slurmctld",
        jobID: "7",
        kind: .ended,
        time: Date(timeIntervalSince1970: 1_780_000_000.25),
        user: "ünï",
        nodes: ["a", "b"],
        finalState: .cancelled,
        exitCode: 143,
        attributes: JobAttributes(
            name: "quote \" and \\ back",
            partition: "p",
            account: "acct",
            cluster: "c",
            requestedCPUs: 4,
            requestedMemoryBytes: 3 << 30,
            requestedGPUs: 1
        ),
        submitTime: Date(timeIntervalSince1970: 1_779_999_000),
        startTime: Date(timeIntervalSince1970: 1_779_999_500)
    )

    @Test func theWireFormatRoundTripsEveryField() throws {
        let body = EventWireFormat.encode(event)
        #expect(EventWireFormat.decode(body) == event)
        let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        #expect(json?["eventId"] as? String == event.id)
        #expect(json?["requestedMemoryMb"] as? Double == 3_072)
        #expect(EventWireFormat.decode(Array("{\"eventId\":1}".utf8)) == nil)
        #expect(EventWireFormat.decode(Array("not json".utf8)) == nil)
    }

    @Test func spooledEventsComeBackOldestFirstAndGoWhenRemoved() throws {
        let spool = EventSpool(directory: scratchDirectory())
        defer { try? FileManager.default.removeItem(atPath: spool.directory) }
        #expect(spool.pending(limit: 10).entries.isEmpty)
        for (index, time) in [300, 100, 200].enumerated() {
            try spool.store(Array("event \(time)".utf8), as: EventSpool.fileName(nanoseconds: Int64(time), process: 9, sequence: index))
        }
        #expect(spool.census() == EventSpool.Census(waiting: 3))
        let pending = spool.pending(limit: 10).entries
        #expect(pending.map { String(decoding: $0.body, as: UTF8.self) } == ["event 100", "event 200", "event 300"])
        #expect(spool.pending(limit: 2).entries.count == 2)
        spool.remove(pending[0].name)
        spool.reject(pending[1].name)
        #expect(spool.pending(limit: 10).entries.map(\.name) == [pending[2].name])
        #expect(FileManager.default.fileExists(atPath: "\(spool.directory)/rejected/\(pending[1].name)"))
        // No temporary file is left behind, and what stays is readable by the spool's group
        // (the service replays it) whatever the umask.
        let names = try FileManager.default.contentsOfDirectory(atPath: spool.directory)
        #expect(!names.contains { $0.hasPrefix(".tmp-") })
        var status = stat()
        #expect(stat("\(spool.directory)/\(pending[2].name)", &status) == 0)
        #expect(status.st_mode & 0o777 == 0o640)
    }

    @Test func anUnwritableSpoolSaysWhereAndWhy() {
        let spool = EventSpool(directory: "/proc/hpc-obs-cannot-exist/spool")
        let error = #expect(throws: SpoolError.self) { try spool.store([1], as: "x.json") }
        #expect(error?.path == "/proc/hpc-obs-cannot-exist/spool")
        #expect(error?.description.contains("cannot create directory") == true)
    }

    /// Spool files are outside data: an edited or planted one once trapped its reader (a MiB
    /// figure near 2^63 bytes) and a six-digit year was read as a time.
    @Test func aHostileSpoolFileIsReadWithoutTrapping() throws {
        func decode(_ fields: String) -> LifecycleEvent? {
            EventWireFormat.decode(Array(#"{"eventId":"e","jobId":"1","kind":"started","time":"2026-11-29T08:00:00Z","user":"u"\#(fields)}"#.utf8))
        }
        #expect(decode("")?.jobID == "1")
        for memory in ["8796093022208", "8796093022207.999", "1e300", "-1"] {
            let event = try #require(decode(#","requestedMemoryMb":\#(memory),"usage":{"node":"n","cpuSeconds":1,"peakMemoryMb":\#(memory)}"#))
            #expect(event.requestedMemoryBytes == nil)
            #expect(event.usage == nil)
        }
        #expect(decode(#","exitCode":1e30"#) == nil)
        #expect(decode(#","requestedCpus":9223372036854775808"#) == nil)
        #expect(
            EventWireFormat.decode(Array(#"{"eventId":"e","jobId":"1","kind":"started","time":"300000-01-01T00:00:00Z","user":"u"}"#.utf8)) == nil
        )
        let far = try #require(
            EventWireFormat.decode(Array(#"{"eventId":"e","jobId":"1","kind":"started","time":"9999-01-01T00:00:00Z","user":"u"}"#.utf8))
        )
        #expect(throws: ValidationError.self) { try far.validate() }
    }

    /// What a member of the spool's group (the service account) can plant, and what the
    /// spool's reader must do with each: leave it alone, count it, and still find the events
    /// behind it.
    @Test func plantedEntriesAreNeitherFollowedNorReadNorHideRealEvents() async throws {
        let directory = scratchDirectory()
        let outside = scratchDirectory()
        let spool = EventSpool(directory: directory)
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: outside)
        }
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let secret = "\(outside)/secret.json"
        try Data(#"{"secret":true}"#.utf8).write(to: URL(fileURLWithPath: secret))

        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // 60 planted entries sort before the real event: more than one replay batch.
        for index in 0..<20 {
            try FileManager.default.createSymbolicLink(atPath: "\(directory)/000-link-\(index).json", withDestinationPath: secret)
            #expect(mkfifo("\(directory)/000-fifo-\(index).json", 0o660) == 0)
            #expect(link(secret, "\(directory)/000-hard-\(index).json") == 0)
        }
        try FileManager.default.createDirectory(atPath: "\(directory)/000-dir.json", withIntermediateDirectories: false)
        // Where root once created its lock file, and where it moved rejected events.
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/.replay.lock", withDestinationPath: "\(outside)/created-by-lock")
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/rejected", withDestinationPath: outside)
        // A link where the next temporary file will be created.
        let name = EventSpool.fileName(nanoseconds: 500, process: 1, sequence: 0)
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/.tmp-\(name)-0", withDestinationPath: "\(outside)/created-by-store")

        try spool.store(Array("real".utf8), as: name)
        let start = ContinuousClock.now
        let batch = spool.pending(limit: SpoolReplayer.batchSize)
        #expect(ContinuousClock.now - start < .seconds(1), "a FIFO must not block the reader")
        #expect(batch.entries.map(\.name) == [name])
        #expect(batch.entries.first?.body == Array("real".utf8))
        #expect(batch.unsafe == 61)
        #expect(spool.census() == EventSpool.Census(waiting: 1, unsafe: 61, unreadable: 0))

        let locked: Bool? = await spool.withReplayLock { true }
        #expect(locked == true)
        spool.reject(name)
        #expect(FileManager.default.fileExists(atPath: "\(directory)/.rejected-\(name)"))
        #expect(!FileManager.default.fileExists(atPath: "\(outside)/\(name)"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == ["secret.json"])
        #expect(try String(contentsOfFile: secret, encoding: .utf8) == #"{"secret":true}"#)
    }

    /// Files of a user the reader does not trust are forged events, however well formed.
    @Test func filesOfUntrustedUsersAreNotReplayed() throws {
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try EventSpool(directory: directory).store(Array("mine".utf8), as: EventSpool.fileName(nanoseconds: 1, process: 1, sequence: 0))
        let otherUsersView = EventSpool(directory: directory, trustedOwners: [geteuid() &+ 1])
        #expect(otherUsersView.pending(limit: 10).entries.isEmpty)
        #expect(otherUsersView.census() == EventSpool.Census(waiting: 0, unsafe: 1, unreadable: 0))
        #expect(EventSpool(directory: directory).pending(limit: 10).entries.count == 1)
    }

    /// 50 files the reader may not open once filled every batch, so nothing behind them was
    /// ever replayed. Root may open anything: the packaged case is checked end to end by
    /// Tests/e2e/deb.sh, with the server as its own user and the hooks as root.
    @Test(.enabled(if: geteuid() != 0, "root can read every file"))
    func unreadableFilesAreCountedAndDoNotHideTheRest() throws {
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = EventSpool(directory: directory)
        for index in 0..<60 {
            let name = EventSpool.fileName(nanoseconds: Int64(index), process: 1, sequence: 0)
            try spool.store(Array("old".utf8), as: name)
            chmod("\(directory)/\(name)", 0)
        }
        try spool.store(Array("new".utf8), as: EventSpool.fileName(nanoseconds: 100, process: 1, sequence: 0))
        let batch = spool.pending(limit: SpoolReplayer.batchSize)
        #expect(batch.entries.map(\.body) == [Array("new".utf8)])
        #expect(batch.unreadable == 60)
    }
}
