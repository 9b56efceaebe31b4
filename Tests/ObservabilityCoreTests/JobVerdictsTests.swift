import Foundation
import ObservabilityCore
import Testing

/// Every rule at its threshold, just past it, and on jobs with missing data.
@Suite("Job verdicts")
struct JobVerdictsTests {
    let start = Date(timeIntervalSince1970: 1_780_000_000)

    /// A job that ran `seconds` and the summary its nodes' totals give.
    func judged(
        state: JobState = .completed,
        seconds: Double = 3_600,
        cpus: Int? = 16,
        memory: Int64? = 64 << 30,
        gpus: Int? = nil,
        cpuSeconds: Double,
        peak: Int64 = 40 << 30,
        gpuSamples: Int = 0,
        idleGPUSamples: Int = 0,
        thresholds: JobVerdicts.Thresholds = JobVerdicts.Thresholds()
    ) throws -> [JobNote] {
        let job = Job(
            id: "7",
            user: "alice",
            state: state,
            attributes: JobAttributes(requestedCPUs: cpus, requestedMemoryBytes: memory, requestedGPUs: gpus),
            submitTime: start,
            startTime: start,
            endTime: start.addingTimeInterval(seconds)
        )
        let usage = JobUsage(
            nodes: [JobUsageTotals(jobID: "7", node: "n1", cpuSeconds: cpuSeconds, peakMemoryBytes: peak)],
            gpuSamples: gpuSamples,
            idleGPUSamples: idleGPUSamples
        )
        let summary = try #require(JobSummary(job: job, usage: usage, now: start.addingTimeInterval(seconds)))
        return JobVerdicts.notes(for: job, summary: summary, thresholds: thresholds)
    }

    @Test func aJobThatUsedWhatItAskedForEarnsNoNote() throws {
        #expect(try judged(cpuSeconds: 16 * 3_600 * 0.9).isEmpty)
    }

    @Test func fewBusyCPUsOfManyIsSaidInCPUs() throws {
        // 1.2 CPUs busy of 16: 7.5 %.
        let notes = try judged(cpuSeconds: 1.2 * 3_600)
        #expect(notes == [JobNote(code: .cpuUnderused, message: "used 1.2 of 16 CPUs on average (7.5 %): ask for fewer")])
        // At the threshold (50 %) no note; just under, one.
        #expect(try judged(cpuSeconds: 8 * 3_600).isEmpty)
        #expect(try judged(cpuSeconds: 7.9 * 3_600).map(\.code) == [.cpuUnderused])
        // Below the CPU count that makes it worth saying, none.
        #expect(try judged(cpus: 3, cpuSeconds: 0.1 * 3_600).isEmpty)
        #expect(try judged(cpus: 4, cpuSeconds: 0.1 * 3_600).map(\.code) == [.cpuUnderused])
    }

    @Test func memoryFarBelowALargeRequestIsSaidInGiB() throws {
        let notes = try judged(cpuSeconds: 16 * 3_600, peak: 2 << 30)
        #expect(notes == [JobNote(code: .memoryOverrequested, message: "peaked at 2 GiB of the 64 GiB it asked for (3.1 %): ask for less")])
        // 25 % exactly is not below the threshold; a small request is never worth a note.
        #expect(try judged(cpuSeconds: 16 * 3_600, peak: 16 << 30).isEmpty)
        #expect(try judged(memory: 2 << 30, cpuSeconds: 16 * 3_600, peak: 100 << 20).isEmpty)
    }

    @Test func idleGPUsAreSaidAsAShareOfTheTime() throws {
        let notes = try judged(gpus: 4, cpuSeconds: 16 * 3_600, gpuSamples: 100, idleGPUSamples: 87)
        #expect(notes == [JobNote(code: .gpusIdle, message: "its 4 GPUs were idle 87 % of the time")])
        let oneGPU = try judged(gpus: 1, cpuSeconds: 16 * 3_600, gpuSamples: 100, idleGPUSamples: 50)
        #expect(oneGPU.map(\.message) == ["its GPU was idle 50 % of the time"])
        #expect(try judged(gpus: 4, cpuSeconds: 16 * 3_600, gpuSamples: 100, idleGPUSamples: 49).isEmpty)
        // No GPU samples: nothing is known, nothing is said.
        #expect(try judged(gpus: 4, cpuSeconds: 16 * 3_600).isEmpty)
    }

    @Test func howAJobEndedComesFirst() throws {
        let oom = try judged(state: .outOfMemory, cpuSeconds: 1.2 * 3_600)
        #expect(oom.map(\.code) == [.outOfMemory, .cpuUnderused])
        #expect(oom[0].message == "ran out of memory with 64 GiB asked for: ask for more, or use less per task")
        let timedOut = try judged(state: .timeout, seconds: 7_800, cpuSeconds: 16 * 7_800)
        let limit = "reached its time limit after 2 h 10 min: ask for more time, or checkpoint and resume"
        #expect(timedOut == [JobNote(code: .timeLimit, message: limit)])
    }

    @Test func aShortRunIsTooShortToJudge() throws {
        let short = "ran 42 s: too short to judge how it used what it asked for"
        #expect(try judged(seconds: 42, cpuSeconds: 0) == [JobNote(code: .tooShortToJudge, message: short)])
        // At the minimum it is judged; a running job that is young is simply not judged yet.
        #expect(try judged(seconds: 300, cpuSeconds: 0).map(\.code) == [.cpuUnderused])
        #expect(try judged(state: .running, seconds: 42, cpuSeconds: 0).isEmpty)
    }

    @Test func missingFiguresGiveNoGuess() throws {
        let job = Job(id: "8", user: "bob", state: .outOfMemory, submitTime: start)
        // No summary (no collector reported it) and no request: only how it ended, plainly.
        let oom = JobNote(code: .outOfMemory, message: "ran out of memory: ask for more, or use less per task")
        #expect(JobVerdicts.notes(for: job, summary: nil) == [oom])
        #expect(JobVerdicts.notes(for: Job(id: "9", user: "bob", state: .completed, submitTime: start), summary: nil).isEmpty)
        // Requests unknown: no CPU or memory verdict, whatever the totals.
        #expect(try judged(cpus: nil, memory: nil, cpuSeconds: 1).isEmpty)
    }

    @Test func thresholdsAreSettings() throws {
        let strict = JobVerdicts.Thresholds(cpuEfficiencyPercent: 95, minimumSeconds: 10)
        #expect(try judged(cpuSeconds: 16 * 3_600 * 0.9, thresholds: strict).map(\.code) == [.cpuUnderused])
        #expect(try judged(seconds: 42, cpuSeconds: 16 * 42, thresholds: strict).isEmpty)
    }
}
