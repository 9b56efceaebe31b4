import Dispatch
import ObservabilityCore
import Synchronization

/// A fixed number of blocking database connections, each driven by its own serial queue.
///
/// SQLite and libpq block the calling thread. Running them on Swift's cooperative pool would
/// starve every other task on a 2-core machine, so each connection lives on a dispatch queue
/// and async callers suspend until their work is done. Connections open lazily and are
/// replaced when they break, so a database restart costs one failed operation per connection.
///
/// A caller waits for a free connection at most ``waitTimeout`` (then `StoreError.unavailable`,
/// which the API answers with 503 and `Retry-After`) and stops waiting when its task is
/// cancelled: a database that hangs, or a lock held elsewhere, must not hold every request.
public final class ConnectionPool: Sendable {
    public typealias Opener = @Sendable () throws(SQLError) -> any SQLConnection

    private final class Slot: @unchecked Sendable {
        // Touched only on `queue`: that is the invariant that makes this class Sendable.
        var connection: (any SQLConnection)?
        let queue: DispatchQueue

        init(label: String) {
            queue = DispatchQueue(label: label)
        }
    }

    /// What a wait for a connection ends with.
    private enum Acquired: Sendable {
        case slot(Int)
        case closed
        case timedOut
        case cancelled
    }

    private struct Waiter {
        let id: UInt64
        let deadline: DispatchTime
        let continuation: CheckedContinuation<Acquired, Never>
    }

    private struct State {
        var freeSlots: [Int]
        /// In the order they came, so in the order of their deadlines (one timeout for all).
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var isClosed = false
        /// Whether a timer is set for the first waiter's deadline. One timer serves the whole
        /// line: a timer per wait cost a tenth of the server's CPU when every request waited.
        var deadlineTimerSet = false
    }

    private let slots: [Slot]
    private let state: Mutex<State>
    private let open: Opener
    /// How long a caller waits for a free connection. Defaults to 5 seconds.
    public let waitTimeout: Duration
    /// ``waitTimeout`` as dispatch counts it, for the waiters' deadlines.
    private let waitTimeoutInterval: DispatchTimeInterval

    /// - Parameters:
    ///   - size: how many connections at most; also how many operations run at once.
    ///   - label: names the queues in thread dumps.
    ///   - waitTimeout: how long a caller waits for a free connection before the store says
    ///     it is unavailable.
    ///   - open: opens one connection; called on the connection's queue.
    public init(size: Int, label: String, waitTimeout: Duration = .seconds(5), open: @escaping Opener) {
        precondition(size > 0, "a connection pool needs at least one connection")
        slots = (0..<size).map { Slot(label: "\(label).\($0)") }
        state = Mutex(State(freeSlots: Array((0..<size).reversed())))
        self.waitTimeout = waitTimeout
        let (seconds, attoseconds) = waitTimeout.components
        waitTimeoutInterval = .nanoseconds(Int(clamping: seconds) &* 1_000_000_000 &+ Int(attoseconds / 1_000_000_000))
        self.open = open
    }

    /// How many connections at most, so how many operations run at once.
    public var size: Int { slots.count }

    /// Runs `body` with a connection on that connection's thread, waiting for a free one first.
    public func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLConnection) throws -> Result
    ) async throws -> Result {
        let index: Int
        switch await acquire() {
        case .slot(let free): index = free
        case .closed: throw StoreError(.closed, "the store is closed")
        case .timedOut:
            throw StoreError(
                .unavailable,
                "all \(slots.count) database connections stayed busy for \(waitTimeout); the database is slow, down or locked"
            )
        case .cancelled: throw CancellationError()
        }
        defer { release(index) }
        let slot = slots[index]
        let open = self.open
        return try await withCheckedThrowingContinuation { continuation in
            slot.queue.async {
                do {
                    let connection: any SQLConnection
                    if let existing = slot.connection, existing.isUsable {
                        connection = existing
                    } else {
                        slot.connection?.close()
                        slot.connection = nil
                        if self.state.withLock({ $0.isClosed }) {
                            throw StoreError(.closed, "the store is closed")
                        }
                        connection = try open()
                        slot.connection = connection
                    }
                    let result = try body(connection)
                    continuation.resume(returning: result)
                } catch {
                    if let connection = slot.connection, !connection.isUsable {
                        connection.close()
                        slot.connection = nil
                    }
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Refuses new work, waits for work in flight and closes every connection.
    public func close() async {
        let waiters = state.withLock { state -> [Waiter] in
            state.isClosed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: .closed) }
        for slot in slots {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                slot.queue.async {
                    slot.connection?.close()
                    slot.connection = nil
                    continuation.resume()
                }
            }
        }
    }

    /// A free slot, or why there is none: waits in line, at most ``waitTimeout``, and no
    /// longer than the calling task wants (the cancellation handler takes the waiter out).
    private func acquire() async -> Acquired {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID &+= 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Acquired, Never>) in
                let (immediate, setTimer): (Acquired?, DispatchTime?) = state.withLock { state in
                    if state.isClosed { return (.closed, nil) }
                    if Task.isCancelled { return (.cancelled, nil) }
                    if let index = state.freeSlots.popLast() { return (.slot(index), nil) }
                    let deadline = DispatchTime.now() + waitTimeoutInterval
                    state.waiters.append(Waiter(id: id, deadline: deadline, continuation: continuation))
                    guard !state.deadlineTimerSet else { return (nil, nil) }
                    state.deadlineTimerSet = true
                    return (nil, deadline)
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                } else if let setTimer {
                    timeOutWaiters(at: setTimer)
                }
            }
        } onCancel: {
            stopWaiting(id)
        }
    }

    /// Tells the waiters whose deadline has passed that they timed out, then sets the timer
    /// for the next one's deadline, if anyone still waits.
    private func timeOutWaiters() {
        let (expired, next) = state.withLock { state -> ([Waiter], DispatchTime?) in
            let now = DispatchTime.now()
            let count = state.waiters.prefix(while: { $0.deadline <= now }).count
            let expired = Array(state.waiters.prefix(count))
            state.waiters.removeFirst(count)
            guard let first = state.waiters.first else {
                state.deadlineTimerSet = false
                return (expired, nil)
            }
            return (expired, first.deadline)
        }
        for waiter in expired { waiter.continuation.resume(returning: .timedOut) }
        if let next { timeOutWaiters(at: next) }
    }

    private func timeOutWaiters(at deadline: DispatchTime) {
        DispatchQueue.global().asyncAfter(deadline: deadline) { [self] in timeOutWaiters() }
    }

    /// Takes waiter `id` out of the line, if it is still in it: its task was cancelled.
    private func stopWaiting(_ id: UInt64) {
        let waiter = state.withLock { state -> Waiter? in
            guard let position = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: position)
        }
        waiter?.continuation.resume(returning: .cancelled)
    }

    private func release(_ index: Int) {
        let waiter = state.withLock { state -> Waiter? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.freeSlots.append(index)
            return nil
        }
        waiter?.continuation.resume(returning: .slot(index))
    }
}
