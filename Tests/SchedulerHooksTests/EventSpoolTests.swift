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
}
