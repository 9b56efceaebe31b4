import Foundation
import ObservabilityCore
import Testing

@Suite("Lifecycle translation")
struct LifecycleTranslatorTests {
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    func event(
        _ kind: LifecycleEvent.Kind,
        _ seconds: Double,
        nodes: [String] = [],
        finalState: JobState? = nil,
        exitCode: Int? = nil
    ) -> LifecycleEvent {
        LifecycleEvent(
            id: "\(kind)-\(seconds)",
            jobID: "77",
            kind: kind,
            time: t0.addingTimeInterval(seconds),
            user: "alice",
            nodes: nodes,
            finalState: finalState,
            exitCode: exitCode
        )
    }

    @Test func submittedCreatesAPendingJob() throws {
        let change = try LifecycleTranslator.change(applying: event(.submitted, 0), to: nil)
        guard case .create(let job) = change else {
            Issue.record("\(change)")
            return
        }
        #expect(job.state == .pending)
        #expect(job.submitTime == t0)
    }

    @Test func startedMovesPendingToRunningOnce() throws {
        let pending = try LifecycleTranslator.change(applying: event(.submitted, 0), to: nil).job
        let running = try LifecycleTranslator.change(applying: event(.started, 5, nodes: ["n1"]), to: pending).job
        #expect(running.state == .running)
        #expect(running.startTime == t0.addingTimeInterval(5))
        let again = try LifecycleTranslator.change(applying: event(.started, 6, nodes: ["n1"]), to: running)
        #expect(again == .unchanged(running))
    }

    @Test(arguments: [(0, JobState.completed), (3, .failed), (137, .failed)])
    func endedWithoutAFinalStateDerivesItFromTheExitCode(exitCode: Int, state: JobState) throws {
        let running = try LifecycleTranslator.change(applying: event(.started, 0), to: nil).job
        let ended = try LifecycleTranslator.change(applying: event(.ended, 10, exitCode: exitCode), to: running).job
        #expect(ended.state == state)
        #expect(ended.exitCode == exitCode)
        #expect(ended.endTime == t0.addingTimeInterval(10))
    }

    @Test func aRequeueNamingAnEarlierRunDoesNotUndoTheCurrentOne() throws {
        let first = try LifecycleTranslator.change(applying: event(.started, 0, nodes: ["n1"]), to: nil).job
        var requeue = event(.requeued, 60)
        // In time: the run that started at 0 ends; its walltime, counted from before the
        // prologue ran, says it started a few seconds earlier.
        requeue.startTime = t0.addingTimeInterval(-4)
        let pending = try LifecycleTranslator.change(applying: requeue, to: first).job
        #expect(pending.state == .pending && pending.startTime == nil && pending.nodes.isEmpty)
        // Replayed late, after the next run started: nothing changes.
        let second = try LifecycleTranslator.change(applying: event(.started, 90, nodes: ["n2"]), to: pending).job
        #expect(try LifecycleTranslator.change(applying: requeue, to: second) == .unchanged(second))
        // A requeue that does not say which run it ended (the Slurm poller's) still applies.
        #expect(try LifecycleTranslator.change(applying: event(.requeued, 100), to: second).job.state == .pending)
    }

    @Test func aFinishedJobKeepsItsFirstEnding() throws {
        let running = try LifecycleTranslator.change(applying: event(.started, 0), to: nil).job
        let cancelled = try LifecycleTranslator.change(applying: event(.ended, 10, finalState: .cancelled), to: running).job
        let late = try LifecycleTranslator.change(applying: event(.ended, 12, finalState: .completed, exitCode: 0), to: cancelled).job
        #expect(late.state == .cancelled)
        #expect(late.endTime == t0.addingTimeInterval(10))
        #expect(late.exitCode == 0)
    }

    @Test func theSchedulersVerdictRefinesAnEndDerivedFromTheExitStatus() throws {
        let running = try LifecycleTranslator.change(applying: event(.started, 0), to: nil).job
        // An epilog saw a job killed by SIGTERM: 128 + 15, failed.
        let failed = try LifecycleTranslator.change(applying: event(.ended, 10, exitCode: 143), to: running).job
        #expect(failed.state == .failed)
        let cancelled = try LifecycleTranslator.change(applying: event(.ended, 11, finalState: .cancelled), to: failed).job
        #expect(cancelled.state == .cancelled)
        #expect(cancelled.endTime == t0.addingTimeInterval(10))
        #expect(cancelled.exitCode == 143)
        // Once specific, a later specific or generic verdict changes nothing.
        #expect(try LifecycleTranslator.change(applying: event(.ended, 12, finalState: .timeout), to: cancelled).job.state == .cancelled)
        #expect(try LifecycleTranslator.change(applying: event(.ended, 12, finalState: .failed), to: cancelled).job.state == .cancelled)
    }

    @Test func suspendAndResume() throws {
        let running = try LifecycleTranslator.change(applying: event(.started, 0), to: nil).job
        let suspended = try LifecycleTranslator.change(applying: event(.suspended, 1), to: running).job
        #expect(suspended.state == .suspended)
        #expect(try LifecycleTranslator.change(applying: event(.resumed, 2), to: suspended).job.state == .running)
    }

    @Test func clockSkewBetweenNodesIsNotAnError() throws {
        let running = try LifecycleTranslator.change(applying: event(.started, 10), to: nil).job
        let ended = try LifecycleTranslator.change(applying: event(.ended, 9.99, exitCode: 0), to: running).job
        #expect(ended.endTime == ended.startTime)
        #expect(ended.endTime == t0.addingTimeInterval(9.99))
    }

    /// A node 10 minutes ahead runs the prolog; the controller's epilog ends the job 60 s
    /// later by its own clock; then the poller reports slurmctld's record of the start.
    @Test func aNodeClockAheadGivesRuntimeZeroThenTheSchedulersStartWins() throws {
        let started = try LifecycleTranslator.change(applying: event(.started, 600), to: nil).job
        let ended = try LifecycleTranslator.change(applying: event(.ended, 60, exitCode: 0), to: started).job
        #expect(ended.state == .completed)
        #expect(ended.endTime == t0.addingTimeInterval(60))
        #expect(ended.startTime == ended.endTime)
        #expect(ended.runtime(at: t0.addingTimeInterval(3_600)) == 0)
        var poller = event(.ended, 60, finalState: .completed, exitCode: 0)
        poller.id = "slurm-poll:77:ended:r0"
        poller.startTime = t0
        let corrected = try LifecycleTranslator.change(applying: poller, to: ended).job
        #expect(corrected.startTime == t0)
        #expect(corrected.runtime(at: t0.addingTimeInterval(3_600)) == 60)
    }

    @Test func aNodeClockBehindIsCorrectedByTheSchedulersStartToo() throws {
        let started = try LifecycleTranslator.change(applying: event(.started, -600), to: nil).job
        var poller = event(.ended, 60, finalState: .completed, exitCode: 0)
        poller.startTime = t0
        let ended = try LifecycleTranslator.change(applying: poller, to: started).job
        #expect(ended.runtime(at: t0) == 60)
    }

    @Test func eventsAreValidated() {
        var bad = event(.started, 0)
        bad.id = ""
        #expect(throws: ValidationError.self) { try LifecycleTranslator.change(applying: bad, to: nil) }
        bad = event(.ended, 0, finalState: .running)
        let error = #expect(throws: ValidationError.self) { try LifecycleTranslator.change(applying: bad, to: nil) }
        #expect(error?.field == "finalState")
        bad = event(.started, 0, nodes: ["has space"])
        #expect(throws: ValidationError.self) { try LifecycleTranslator.change(applying: bad, to: nil) }
    }
}
