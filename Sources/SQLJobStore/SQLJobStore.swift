public import Logging
public import ObservabilityCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The ``JobStore`` written once over ``SQLConnection``, for every SQL backend.
///
/// SQLite and PostgreSQL differ only in their ``SQLDialect`` and connections, so behaviour is
/// identical by construction, and the contract suite checks that it stays so.
public final class SQLJobStore: JobStore {
    let dialect: any SQLDialect
    let writers: ConnectionPool
    let readers: ConnectionPool
    let logger: Logger
    let transactions: TransactionRunner
    /// Concurrent `appendSamples` calls share transactions; see ``GroupCommit``.
    let sampleWrites: GroupCommit<[MetricSample]>

    /// - Parameters:
    ///   - writers: connections for transactions that write. SQLite wants exactly one: a
    ///     process gains nothing from several writers contending for one file lock.
    ///   - readers: connections for read-only work; may be the same pool as `writers`.
    public init(dialect: any SQLDialect, writers: ConnectionPool, readers: ConnectionPool, logger: Logger) {
        self.dialect = dialect
        self.writers = writers
        self.readers = readers
        self.logger = logger
        let transactions = TransactionRunner(dialect: dialect, writers: writers, readers: readers, logger: logger)
        self.transactions = transactions
        sampleWrites = GroupCommit(maxWeightPerFlush: 50_000) { requests in
            try await Self.appendInOneTransaction(requests, transactions: transactions)
        }
    }

    public func close() async {
        await writers.close()
        if readers !== writers { await readers.close() }
    }

    public func checkHealth() async throws {
        _ = try await read { connection in try connection.execute("SELECT 1") }
    }

    // MARK: Transactions

    /// Runs `body` in a write transaction; see ``TransactionRunner/write(_:)``.
    func write<Result: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> Result) async throws -> Result {
        try await transactions.write(body)
    }

    /// Runs `body` in a read-only transaction; see ``TransactionRunner/read(_:)``.
    func read<Result: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> Result) async throws -> Result {
        try await transactions.read(body)
    }
}

extension SQLJobStore {
    static func storeError(_ error: SQLError) -> StoreError {
        switch error.kind {
        case .busy: StoreError(.busy, error.message)
        case .connection, .timedOut, .diskFull: StoreError(.unavailable, error.message)
        case .uniqueViolation: StoreError(.conflict, error.message)
        case .foreignKeyViolation: StoreError(.notFound, error.message)
        default: StoreError(.databaseError, error.message)
        }
    }
}
