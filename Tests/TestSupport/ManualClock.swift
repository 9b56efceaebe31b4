import Synchronization

/// A clock that moves only when a test moves it, for the background services' loops.
///
/// A test starts a service, waits with ``nextSleep()`` until the service sleeps (its cycle
/// is done), checks what the cycle did, then ``advance(by:)`` wakes it for the next one.
/// Cancelling a sleeping task ends its sleep with `CancellationError`, as a real clock does.
public final class ManualClock: Clock, Sendable {
    public struct Instant: InstantProtocol {
        public var offset: Duration

        public init(offset: Duration) {
            self.offset = offset
        }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        var id: Int
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID = 0
        var sleepers: [Sleeper] = []
        /// Deadlines of sleeps begun and not yet handed to ``nextSleep()``.
        var begun: [Instant] = []
        var watchers: [CheckedContinuation<Instant, Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .nanoseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (resume, watcher): (Result<Void, any Error>?, CheckedContinuation<Instant, Never>?) = state.withLock { state in
                    let watcher = state.watchers.isEmpty ? nil : state.watchers.removeFirst()
                    if watcher == nil { state.begun.append(deadline) }
                    if Task.isCancelled { return (.failure(CancellationError()), watcher) }
                    if deadline <= state.now { return (.success(()), watcher) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return (nil, watcher)
                }
                watcher?.resume(returning: deadline)
                if let resume { continuation.resume(with: resume) }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index).continuation
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }

    /// Waits until some task sleeps on this clock (or returns at once if one began a sleep
    /// not yet reported), and returns that sleep's deadline.
    @discardableResult
    public func nextSleep() async -> Instant {
        await withCheckedContinuation { (continuation: CheckedContinuation<Instant, Never>) in
            let begun = state.withLock { state -> Instant? in
                if !state.begun.isEmpty { return state.begun.removeFirst() }
                state.watchers.append(continuation)
                return nil
            }
            if let begun { continuation.resume(returning: begun) }
        }
    }

    /// Moves time on and wakes every sleep whose deadline has come.
    public func advance(by duration: Duration) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }
}
