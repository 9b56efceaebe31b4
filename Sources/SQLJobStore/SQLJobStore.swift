#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import Logging
public import ObservabilityCore

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

/// Runs closures in transactions on the store's pools, retrying a busy database.
struct TransactionRunner: Sendable {
    let dialect: any SQLDialect
    let writers: ConnectionPool
    let readers: ConnectionPool
    let logger: Logger

    /// How often an operation that hit a locked database or a serialization failure is tried.
    static let attemptsOnBusy = 3

    /// Runs `body` in a write transaction, committing when it returns and rolling back when it
    /// throws. A busy database is retried with back-off before the caller sees ``StoreError/Code/busy``.
    func write<Result: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> Result) async throws -> Result {
        try await transaction(on: writers, begin: dialect.beginWrite, body)
    }

    /// Runs `body` in a read-only transaction: its queries see one snapshot.
    func read<Result: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> Result) async throws -> Result {
        try await transaction(on: readers, begin: dialect.beginRead, body)
    }

    private func transaction<Result: Sendable>(
        on pool: ConnectionPool,
        begin: String,
        _ body: @escaping @Sendable (any SQLConnection) throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await pool.withConnection { connection in
                    try connection.execute(begin)
                    do {
                        let result = try body(connection)
                        try connection.execute("COMMIT")
                        return result
                    } catch {
                        if connection.isUsable { _ = try? connection.execute("ROLLBACK") }
                        throw error
                    }
                }
            } catch let error as SQLError {
                let storeError = SQLJobStore.storeError(error)
                if storeError.code == .busy, attempt < Self.attemptsOnBusy {
                    logger.debug("database busy, retrying", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                    try await Task.sleep(for: .milliseconds(50 * attempt * attempt))
                    attempt += 1
                    continue
                }
                throw storeError
            }
        }
    }
}

extension SQLJobStore {
    static func storeError(_ error: SQLError) -> StoreError {
        switch error.kind {
        case .busy: StoreError(.busy, error.message)
        case .connection: StoreError(.unavailable, error.message)
        case .uniqueViolation: StoreError(.conflict, error.message)
        case .foreignKeyViolation: StoreError(.notFound, error.message)
        default: StoreError(.databaseError, error.message)
        }
    }
}
