import Foundation
import Testing

@testable import ObservabilityCore

@Suite("Validation")
struct ValidationTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    @Test(arguments: ["123", "120_2", "job-001", "42[3].pbs-server.example.com", String(repeating: "x", count: 128)])
    func acceptsSchedulerJobIDs(id: String) throws {
        try Job(id: id, user: "alice", submitTime: now).validate()
    }

    @Test(arguments: [
        ("", ValidationError.Code.missing), (String(repeating: "x", count: 129), .tooLong), ("a/b", .invalidCharacters),
        ("a b", .invalidCharacters), ("a\nb", .invalidCharacters), ("50%", .invalidCharacters), ("é", .invalidCharacters),
    ])
    func refusesUnsafeJobIDs(id: String, code: ValidationError.Code) {
        let error = #expect(throws: ValidationError.self) { try Job(id: id, user: "alice", submitTime: now).validate() }
        #expect(error?.code == code)
        #expect(error?.field == "id")
    }

    @Test func refusesBadJobFields() {
        func field(_ job: Job) -> String? {
            #expect(throws: ValidationError.self) { try job.validate() }
            do { try job.validate() } catch { return error.field }
            return nil
        }
        let base = Job(id: "1", user: "alice", submitTime: now)
        var job = base
        job.user = String(repeating: "u", count: 65)
        #expect(field(job) == "user")
        job = base
        job.nodes = ["n1", ""]
        #expect(field(job) == "nodes[1]")
        job = base
        job.partition = "a b"
        #expect(field(job) == "partition")
        job = base
        job.name = "tab\there"
        #expect(field(job) == "name")
        job = base
        job.requestedGPUs = -1
        #expect(field(job) == "requestedGpus")
        job = base
        job.requestedMemoryBytes = -1
        #expect(field(job) == "requestedMemoryMb")
        job = base
        job.requestedMemoryBytes = (1 << 60) + 1
        #expect(field(job) == "requestedMemoryMb")
        job = base
        job.submitTime = Date(timeIntervalSince1970: .nan)
        #expect(field(job) == "submitTime")
        job = base
        job.startTime = Date(timeIntervalSince1970: 1e13)
        #expect(field(job) == "startTime")
    }

    @Test func userNamesMayBeUTF8() throws {
        try Job(id: "1", user: "josé", nodes: ["nœud-1"], submitTime: now).validate()
    }

    @Test func cpuLimitFollowsTheAllocation() throws {
        let sample = MetricSample(jobID: "1", time: now, cpuUsage: 800, memoryBytes: 0)
        try sample.validate(allocatedCPUs: 8)
        try sample.validate(allocatedCPUs: nil)
        let error = #expect(throws: ValidationError.self) { try sample.validate(allocatedCPUs: 7) }
        #expect(error?.field == "cpuUsage")
        #expect(error?.message.contains("700") == true)
    }

    @Test func gpuUsageIsAPercentage() throws {
        try MetricSample(jobID: "1", time: now, cpuUsage: 0, memoryBytes: 0, gpuUsage: 100).validate(allocatedCPUs: nil)
        for bad in [100.01, -1, .nan, .infinity] {
            #expect(throws: ValidationError.self) {
                try MetricSample(jobID: "1", time: now, cpuUsage: 0, memoryBytes: 0, gpuUsage: bad).validate(allocatedCPUs: nil)
            }
        }
    }

    @Test func updateStampsStartAndEnd() throws {
        let pending = Job(id: "1", user: "alice", submitTime: now)
        let running = try pending.applying(JobUpdate(state: .running), now: now.addingTimeInterval(5))
        #expect(running.startTime == now.addingTimeInterval(5))
        let done = try running.applying(JobUpdate(state: .completed), now: now.addingTimeInterval(65))
        #expect(done.endTime == now.addingTimeInterval(65))
        #expect(done.runtime(at: now.addingTimeInterval(1_000)) == 60)
        // Same state again is not a transition and stamps nothing.
        #expect(try done.applying(JobUpdate(state: .completed), now: now.addingTimeInterval(99)) == done)
    }

    @Test func cancellingAPendingJobGivesZeroRuntime() throws {
        let pending = Job(id: "1", user: "alice", submitTime: now)
        let cancelled = try pending.applying(JobUpdate(state: .cancelled), now: now.addingTimeInterval(5))
        #expect(cancelled.startTime == nil)
        #expect(cancelled.runtime(at: now.addingTimeInterval(10)) == 0)
    }

    @Test func anEventKeepsItsValidFieldsAndDropsTheOthersSayingWhy() {
        var event = LifecycleEvent(id: "e", jobID: "1.s", kind: .ended, time: Date(timeIntervalSince1970: 1_780_000_000), user: "alice")
        event.nodes = ["cn1"]
        event.partition = "work q"
        event.account = "proj"
        event.requestedCPUs = 0
        event.requestedGPUs = 2_000_000
        event.exitCode = 3
        event.usage = LifecycleEvent.Usage(node: "cn1", cpuSeconds: .nan, peakMemoryBytes: 1)
        let (kept, dropped) = event.keepingValidFields()
        #expect(kept.partition == nil && kept.requestedCPUs == nil && kept.requestedGPUs == nil && kept.usage == nil)
        #expect(kept.nodes == ["cn1"] && kept.account == "proj" && kept.exitCode == 3)
        #expect(dropped.map(\.field) == ["partition", "requestedCpus", "requestedGpus", "usage.cpuSeconds"])
        #expect(throws: Never.self) { try kept.validate() }
        let (unchanged, none) = kept.keepingValidFields()
        #expect(unchanged == kept && none.isEmpty)
    }
}
