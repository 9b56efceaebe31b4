import Logging
import ObservabilityCore

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
