import Foundation
import ObservabilityCore
import SchedulerHooks
import Testing

@Suite("Event spool and wire format")
struct EventSpoolTests {
    func scratchDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hpc-obs-spool-\(UUID().uuidString)").path
        return path
    }

    let event = LifecycleEvent(
        id: "slurm:7:epilog_slurmctld", jobID: "7", kind: .ended, time: Date(timeIntervalSince1970: 1_780_000_000.25),
        user: "ünï", nodes: ["a", "b"], finalState: .cancelled, exitCode: 143, name: "quote \" and \\ back",
        partition: "p", account: "acct", cluster: "c", requestedCPUs: 4, requestedMemoryBytes: 3 << 30, requestedGPUs: 1,
        submitTime: Date(timeIntervalSince1970: 1_779_999_000), startTime: Date(timeIntervalSince1970: 1_779_999_500)
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
        #expect(spool.pending(limit: 10).isEmpty)
        for (index, time) in [300, 100, 200].enumerated() {
            try spool.store(Array("event \(time)".utf8), as: EventSpool.fileName(nanoseconds: Int64(time), process: 9, sequence: index))
        }
        #expect(spool.depth() == 3)
        let pending = spool.pending(limit: 10)
        #expect(pending.map { String(decoding: $0.body, as: UTF8.self) } == ["event 100", "event 200", "event 300"])
        #expect(spool.pending(limit: 2).count == 2)
        spool.remove(pending[0].name)
        spool.reject(pending[1].name)
        #expect(spool.pending(limit: 10).map(\.name) == [pending[2].name])
        #expect(FileManager.default.fileExists(atPath: "\(spool.directory)/rejected/\(pending[1].name)"))
        // No temporary file is left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: spool.directory)
        #expect(!names.contains { $0.hasPrefix(".tmp-") })
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
        #expect(EventWireFormat.decode(Array(#"{"eventId":"e","jobId":"1","kind":"started","time":"300000-01-01T00:00:00Z","user":"u"}"#.utf8)) == nil)
        let far = try #require(EventWireFormat.decode(Array(#"{"eventId":"e","jobId":"1","kind":"started","time":"9999-01-01T00:00:00Z","user":"u"}"#.utf8)))
        #expect(throws: ValidationError.self) { try far.validate() }
    }
}
