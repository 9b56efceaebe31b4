import Synchronization
import Testing

@testable import SQLJobStore

/// Group commit in-process, with a recorded flush instead of a database: which requests share
/// a transaction, and whose failure is whose.
@Suite("Group commit")
struct GroupCommitTests {
    /// A flush that records each batch and holds the first one until the test lets it go.
    final class RecordedFlush: Sendable {
        private let state = Mutex<(batches: [[String]], gate: CheckedContinuation<Void, Never>?, held: Bool)>(([], nil, true))

        var batches: [[String]] { state.withLock { $0.batches } }

        func flush(_ items: [String]) async -> [Result<Void, any Error>] {
            let hold = state.withLock { state -> Bool in
                state.batches.append(items)
                return state.batches.count == 1 && state.held
            }
            if hold {
                await withCheckedContinuation { continuation in
                    let release = state.withLock { state -> Bool in
                        if !state.held { return true }
                        state.gate = continuation
                        return false
                    }
                    if release { continuation.resume() }
                }
            }
            return items.map { $0.hasPrefix("bad") ? .failure(Refused(item: $0)) : .success(()) }
        }

        func release() {
            let gate = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.held = false
                defer { state.gate = nil }
                return state.gate
            }
            gate?.resume()
        }
    }

    struct Refused: Error, Equatable {
        var item: String
    }

    /// Waits (bounded) until `count` requests queue behind the running flush.
    func waitUntil(_ commit: GroupCommit<String>, queues count: Int) async throws {
        let start = ContinuousClock.now
        while commit.waiting < count {
            try #require(ContinuousClock.now - start < .seconds(10), "requests never queued")
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    @Test func requestsThatArriveDuringAFlushShareTheNextOneAndFailAlone() async throws {
        let recorded = RecordedFlush()
        let commit = GroupCommit<String>(maxWeightPerFlush: 100) { await recorded.flush($0) }
        try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            group.addTask { (try? await commit.submit("first", weight: 1)) != nil ? ("first", true) : ("first", false) }
            try await waitUntil(commit, queues: 0)
            while recorded.batches.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
            for item in ["a", "bad-b", "c"] {
                group.addTask {
                    do {
                        try await commit.submit(item, weight: 1)
                        return (item, true)
                    } catch let error as Refused {
                        #expect(error.item == item)
                        return (item, false)
                    }
                }
            }
            try await waitUntil(commit, queues: 3)
            recorded.release()
            var outcomes: [String: Bool] = [:]
            for try await (item, committed) in group { outcomes[item] = committed }
            #expect(outcomes == ["first": true, "a": true, "bad-b": false, "c": true])
        }
        #expect(recorded.batches.count == 2)
        #expect(recorded.batches[0] == ["first"])
        #expect(Set(recorded.batches[1]) == ["a", "bad-b", "c"])
    }

    @Test func aFlushTakesAtMostItsWeightButAlwaysOneRequest() async throws {
        let recorded = RecordedFlush()
        let commit = GroupCommit<String>(maxWeightPerFlush: 10) { await recorded.flush($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await commit.submit("first", weight: 1) }
            while recorded.batches.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
            group.addTask { try await commit.submit("big", weight: 50) }
            try await waitUntil(commit, queues: 1)
            for index in 0..<4 {
                group.addTask { try await commit.submit("small-\(index)", weight: 4) }
            }
            try await waitUntil(commit, queues: 5)
            recorded.release()
            try await group.waitForAll()
        }
        // After the first: the oversized request alone, then the small ones two by two.
        #expect(recorded.batches.dropFirst().map(\.count) == [1, 2, 2])
        #expect(recorded.batches[1] == ["big"])
    }

    @Test func aFlushThatThrowsFailsItsBatchAndNotTheNext() async throws {
        let calls = Mutex(0)
        let commit = GroupCommit<String>(maxWeightPerFlush: 100) { items in
            let call = calls.withLock { calls in
                calls += 1
                return calls
            }
            if call == 1 { throw Refused(item: "transaction") }
            return items.map { _ in .success(()) }
        }
        await #expect(throws: Refused(item: "transaction")) { try await commit.submit("x", weight: 1) }
        try await commit.submit("y", weight: 1)
    }
}
