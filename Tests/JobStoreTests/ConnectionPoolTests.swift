import Foundation
import ObservabilityCore
import SQLJobStore
import Synchronization
import Testing

/// A connection that does nothing; the tests hold it busy by sleeping in the pool's body.
final class IdleConnection: SQLConnection {
    func run(_ sql: String, _ binds: [SQLValue], onRow: (SQLRow) throws(SQLError) -> Void) throws(SQLError) -> Int { 0 }
    func executeScript(_ sql: String) throws(SQLError) {}
    var isUsable: Bool { true }
    func close() {}
}

/// A database that hangs, or a lock held elsewhere, once held every request forever: a caller
/// waited for a connection without end. It now waits at most the pool's timeout, and not at
/// all once its task is cancelled.
@Suite("Connection pool waits")
struct ConnectionPoolTests {
    /// The one connection, held by a body that waits for `release`: the waits below end
    /// while it is still held, whatever the machine's load, with no race on who gets it first.
    final class Holder: Sendable {
        let release = DispatchSemaphore(value: 0)
        let held = Atomic<Bool>(false)
    }

    func busyPool(timeout: Duration) async throws -> (ConnectionPool, Holder, Task<Void, any Error>) {
        let pool = ConnectionPool(size: 1, label: "test", waitTimeout: timeout) { () throws(SQLError) in IdleConnection() }
        let holder = Holder()
        let task = Task {
            try await pool.withConnection { _ in
                holder.held.store(true, ordering: .releasing)
                holder.release.wait()
            }
        }
        while !holder.held.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
        return (pool, holder, task)
    }

    @Test func aWaitForABusyPoolEndsAsUnavailable() async throws {
        let (pool, holder, task) = try await busyPool(timeout: .milliseconds(300))
        let start = ContinuousClock.now
        let error = await #expect(throws: StoreError.self) { try await pool.withConnection { _ in } }
        #expect(error?.code == .unavailable)
        // Far above the 300 ms timeout, for a loaded CI machine; without the timeout it would
        // wait forever, since the connection is released only below.
        #expect(ContinuousClock.now - start < .seconds(10))
        holder.release.signal()
        try await task.value
        // Free again: the next caller gets the connection at once.
        try await pool.withConnection { _ in }
        await pool.close()
    }

    /// One timer serves the whole line: it must fire again for a waiter that came after the
    /// first, and be set again for one that comes after the line emptied.
    @Test func everyWaiterInTheLineTimesOutAfterItsOwnWait() async throws {
        let (pool, holder, task) = try await busyPool(timeout: .milliseconds(400))
        let start = ContinuousClock.now
        let first = Task { () -> Duration in
            await #expect(throws: StoreError.self) { try await pool.withConnection { _ in } }
            return ContinuousClock.now - start
        }
        try await Task.sleep(for: .milliseconds(200))
        let second = Task { () -> Duration in
            let arrived = ContinuousClock.now
            await #expect(throws: StoreError.self) { try await pool.withConnection { _ in } }
            return ContinuousClock.now - arrived
        }
        _ = await first.value
        // The second waited its own timeout, not the first's remainder.
        #expect(await second.value >= .milliseconds(400))
        let third = ContinuousClock.now
        await #expect(throws: StoreError.self) { try await pool.withConnection { _ in } }
        #expect(ContinuousClock.now - third >= .milliseconds(400))
        #expect(ContinuousClock.now - third < .seconds(10))
        holder.release.signal()
        try await task.value
        await pool.close()
    }

    @Test func aCancelledWaitEndsAtOnce() async throws {
        let (pool, holder, task) = try await busyPool(timeout: .seconds(60))
        let start = ContinuousClock.now
        let waiter = Task { try await pool.withConnection { _ in } }
        try await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        // Well under the 60 s timeout: the cancellation ended the wait, not the timeout.
        #expect(ContinuousClock.now - start < .seconds(30))
        holder.release.signal()
        try await task.value
        await pool.close()
    }
}
