import Foundation
import ObservabilityCore
import SQLJobStore
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
    func busyPool(for seconds: Double, timeout: Duration) async throws -> (ConnectionPool, Task<Void, any Error>) {
        let pool = ConnectionPool(size: 1, label: "test", waitTimeout: timeout) { () throws(SQLError) in IdleConnection() }
        let holder = Task { try await pool.withConnection { _ in Thread.sleep(forTimeInterval: seconds) } }
        // Let the holder take the only connection.
        try await Task.sleep(for: .milliseconds(100))
        return (pool, holder)
    }

    @Test func aWaitForABusyPoolEndsAsUnavailable() async throws {
        let (pool, holder) = try await busyPool(for: 2, timeout: .milliseconds(300))
        let start = ContinuousClock.now
        let error = await #expect(throws: StoreError.self) { try await pool.withConnection { _ in } }
        #expect(error?.code == .unavailable)
        #expect(ContinuousClock.now - start < .seconds(1))
        try await holder.value
        // Free again: the next caller gets the connection at once.
        try await pool.withConnection { _ in }
        await pool.close()
    }

    @Test func aCancelledWaitEndsAtOnce() async throws {
        let (pool, holder) = try await busyPool(for: 2, timeout: .seconds(30))
        let start = ContinuousClock.now
        let waiter = Task { try await pool.withConnection { _ in } }
        try await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(ContinuousClock.now - start < .seconds(1))
        try await holder.value
        await pool.close()
    }
}
