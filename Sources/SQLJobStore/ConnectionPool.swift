import Dispatch
import ObservabilityCore
import Synchronization

/// A fixed number of blocking database connections, each driven by its own serial queue.
///
/// SQLite and libpq block the calling thread. Running them on Swift's cooperative pool would
/// starve every other task on a 2-core machine, so each connection lives on a dispatch queue
/// and async callers suspend until their work is done. Connections open lazily and are
/// replaced when they break, so a database restart costs one failed operation per connection.
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

    private struct State {
        var freeSlots: [Int]
        var waiters: [CheckedContinuation<Int?, Never>] = []
        var isClosed = false
    }

    private let slots: [Slot]
    private let state: Mutex<State>
    private let open: Opener

    /// - Parameters:
    ///   - size: how many connections at most; also how many operations run at once.
    ///   - label: names the queues in thread dumps.
    ///   - open: opens one connection; called on the connection's queue.
    public init(size: Int, label: String, open: @escaping Opener) {
        precondition(size > 0, "a connection pool needs at least one connection")
        slots = (0..<size).map { Slot(label: "\(label).\($0)") }
        state = Mutex(State(freeSlots: Array((0..<size).reversed())))
        self.open = open
    }

    /// Runs `body` with a connection on that connection's thread, waiting for a free one first.
    public func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (any SQLConnection) throws -> Result
    ) async throws -> Result {
        guard let index = await acquire() else {
            throw StoreError(.closed, "the store is closed")
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
        let waiters = state.withLock { state -> [CheckedContinuation<Int?, Never>] in
            state.isClosed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: nil) }
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

    private func acquire() async -> Int? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int?, Never>) in
            let immediate: Int?? = state.withLock { state in
                if state.isClosed { return .some(nil) }
                if let index = state.freeSlots.popLast() { return .some(index) }
                state.waiters.append(continuation)
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    private func release(_ index: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Int?, Never>? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.freeSlots.append(index)
            return nil
        }
        waiter?.resume(returning: index)
    }
}
