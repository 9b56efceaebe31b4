import ObservabilityCore
import Testing

@Suite("Job states")
struct JobStateTests {
    @Test func spellingsMatchTheAPI() {
        #expect(
            JobState.allCases.map(\.rawValue) == [
                "pending", "running", "suspended", "completed", "failed", "cancelled", "timeout",
                "node_fail", "out_of_memory", "preempted",
            ]
        )
    }

    @Test func unknownStateNamesTheAcceptedValues() {
        let error = #expect(throws: ValidationError.self) { try JobState(parsing: "done") }
        #expect(error?.code == .unknownValue)
        #expect(error?.field == "state")
        #expect(error?.message.contains("out_of_memory") == true)
    }

    @Test(arguments: JobState.allCases.filter(\.isTerminal))
    func terminalStatesDoNotReopen(state: JobState) {
        for next in JobState.allCases {
            #expect(state.allowsUpdate(to: next) == (next == state), "\(state) → \(next)")
        }
        let error = #expect(throws: JobTransitionError.self) { try state.validateUpdate(to: .running, jobID: "7") }
        #expect(error?.description.contains("requeue") == true)
    }

    @Test func liveStatesMoveForwardButNotBackToPending() {
        #expect(JobState.pending.allowsUpdate(to: .running))
        #expect(JobState.pending.allowsUpdate(to: .cancelled))
        #expect(!JobState.pending.allowsUpdate(to: .suspended))
        #expect(JobState.running.allowsUpdate(to: .suspended))
        #expect(JobState.running.allowsUpdate(to: .outOfMemory))
        #expect(!JobState.running.allowsUpdate(to: .pending))
        #expect(JobState.suspended.allowsUpdate(to: .running))
        #expect(!JobState.suspended.allowsUpdate(to: .pending))
    }
}
