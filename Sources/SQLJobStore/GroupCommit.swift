import Synchronization

/// Coalesces concurrent writes into one transaction: group commit.
///
/// A transaction costs a lock, a WAL append and (on PostgreSQL) a round trip and a flush,
/// whatever it holds; a burst of single-sample requests pays that once per request unless
/// requests share it. The first request to find no flush running starts one: it takes every
/// request queued so far, runs them in one transaction (the flush decides each request's
/// fate on its own, so one request's bad data fails that request alone), answers them, and
/// repeats while more arrived meanwhile. A request alone pays nothing extra.
final class GroupCommit<Item: Sendable>: Sendable {
    /// Runs the requests in one transaction and returns one result per request, in order.
    typealias Flush = @Sendable ([Item]) async throws -> [Result<Void, any Error>]

    private struct Pending {
        var item: Item
        var weight: Int
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        var flushing = false
    }

    private let state = Mutex(State())
    private let maxWeightPerFlush: Int
    private let flush: Flush

    /// - Parameters:
    ///   - maxWeightPerFlush: how much (samples, say) one transaction takes at most, so that
    ///     no transaction holds the write lock for long.
    init(maxWeightPerFlush: Int, flush: @escaping Flush) {
        self.maxWeightPerFlush = maxWeightPerFlush
        self.flush = flush
    }

    /// Requests queued behind the flush that is running.
    var waiting: Int { state.withLock { $0.queue.count } }

    /// Returns when the transaction holding `item` has committed, or throws its error.
    func submit(_ item: Item, weight: Int) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let startsFlush = state.withLock { state -> Bool in
                state.queue.append(Pending(item: item, weight: weight, continuation: continuation))
                if state.flushing { return false }
                state.flushing = true
                return true
            }
            if startsFlush {
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while let batch = nextBatch() {
            let results: [Result<Void, any Error>]
            do {
                results = try await flush(batch.map(\.item))
            } catch {
                results = Array(repeating: .failure(error), count: batch.count)
            }
            for (pending, result) in zip(batch, results) {
                pending.continuation.resume(with: result)
            }
        }
    }

    /// Takes queued requests up to the weight limit (at least one), or ends the flush.
    private func nextBatch() -> [Pending]? {
        state.withLock { state in
            guard !state.queue.isEmpty else {
                state.flushing = false
                return nil
            }
            var weight = 0
            var count = 0
            for pending in state.queue {
                if count > 0, weight + pending.weight > maxWeightPerFlush { break }
                weight += pending.weight
                count += 1
            }
            let batch = Array(state.queue.prefix(count))
            state.queue.removeFirst(count)
            return batch
        }
    }
}
