import CLibPQ
import ObservabilityCore
import SQLJobStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One connection to PostgreSQL through libpq's synchronous API.
///
/// Parameters travel in text format and the server infers their types from the statement,
/// which keeps binding identical to SQLite's. Statements are prepared once per connection
/// and cached by their SQL text.
final class PostgresConnection: SQLConnection {
    private var connection: OpaquePointer?
    private var preparedNames: [String: String] = [:]

    /// What a connection may wait for, unless the connection string says otherwise: a
    /// database that is down, hung or locked must cost a request seconds, not forever.
    /// - `connect_timeout`: 5 s for the server to accept a connection;
    /// - TCP keepalives (first probe after 10 s idle, then every 5 s, 3 lost) and
    ///   `tcp_user_timeout` (10 s for sent data to be acknowledged): a server that vanished
    ///   without closing its sockets is noticed;
    /// - `statement_timeout` (10 s, server side): a statement waiting on a lock held elsewhere,
    ///   or running away, is cancelled. Set with `SET` once connected rather than as a startup
    ///   option, which PgBouncer refuses; a connection string whose `options` name it wins.
    static let defaults: [(keyword: String, value: String)] = [
        ("connect_timeout", "5"),
        ("application_name", "hpc-obs"),
        ("keepalives", "1"),
        ("keepalives_idle", "10"),
        ("keepalives_interval", "5"),
        ("keepalives_count", "3"),
        ("tcp_user_timeout", "10000"),
    ]
    static let statementTimeoutMilliseconds = 10_000

    init(connectionString: String) throws(SQLError) {
        // Keywords before `dbname` are defaults: values in the expanded URL override them.
        let keywords = Self.defaults.map(\.keyword) + ["dbname"]
        let values = Self.defaults.map(\.value) + [connectionString]
        let handle = Self.withCStringArray(keywords) { keywordPointers in
            Self.withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(handle)
            let location = PostgresConnectionString.redacted(connectionString)
            throw SQLError(.connection, "cannot connect to postgres:\(location): \(Self.trimmed(message))")
        }
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        connection = handle
        if !PostgresConnectionString.setsStatementTimeout(connectionString) {
            do throws(SQLError) {
                try executeScript("SET statement_timeout = \(Self.statementTimeoutMilliseconds)")
            } catch {
                close()
                throw error
            }
        }
    }

    var isUsable: Bool {
        guard let connection else { return false }
        return PQstatus(connection) == CONNECTION_OK
    }

    /// Sends the prepared statement with text parameters; returns how many rows it changed.
    func run(_ sql: String, _ binds: [SQLValue], onRow: (SQLRow) throws(SQLError) -> Void) throws(SQLError) -> Int {
        guard let connection else { throw SQLError(.connection, "the PostgreSQL connection is closed") }
        let name = try preparedName(for: sql, on: connection)
        var buffer: [UInt8] = []
        var offsets: [Int?] = []
        offsets.reserveCapacity(binds.count)
        for value in binds {
            switch value {
            case .null:
                offsets.append(nil)
                continue
            case .integer(let integer):
                offsets.append(buffer.count)
                buffer.append(contentsOf: String(integer).utf8)
            case .double(let double):
                offsets.append(buffer.count)
                buffer.append(contentsOf: String(double).utf8)
            case .text(let text):
                offsets.append(buffer.count)
                buffer.append(contentsOf: text.utf8)
            }
            buffer.append(0)
        }
        buffer.append(0)
        let result = buffer.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { $0.map { base + $0 } }
            return PQexecPrepared(connection, name, Int32(pointers.count), pointers, nil, nil, 0)
        }
        return try consume(result, on: connection, sql: sql, onRow: onRow)
    }

    func executeScript(_ sql: String) throws(SQLError) {
        guard let connection else { throw SQLError(.connection, "the PostgreSQL connection is closed") }
        _ = try consume(PQexec(connection, sql), on: connection, sql: sql) { _ throws(SQLError) in }
    }

    func close() {
        PQfinish(connection)
        connection = nil
        preparedNames.removeAll()
    }

    // MARK: Results

    private func preparedName(for sql: String, on connection: OpaquePointer) throws(SQLError) -> String {
        if let name = preparedNames[sql] { return name }
        let name = "hpc_obs_\(preparedNames.count + 1)"
        _ = try consume(PQprepare(connection, name, sql, 0, nil), on: connection, sql: sql) { _ throws(SQLError) in }
        preparedNames[sql] = name
        return name
    }

    /// Checks a result, hands its rows to `onRow`, and returns how many rows it changed.
    private func consume(
        _ result: OpaquePointer?,
        on connection: OpaquePointer,
        sql: String,
        onRow: (SQLRow) throws(SQLError) -> Void
    ) throws(SQLError) -> Int {
        defer { PQclear(result) }
        guard let result else {
            throw SQLError(.connection, Self.trimmed(String(cString: PQerrorMessage(connection))))
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK:
            return Int(String(cString: PQcmdTuples(result))) ?? 0
        case PGRES_TUPLES_OK:
            try readRows(result, onRow: onRow)
            return Int(PQntuples(result))
        default:
            let state = PQresultErrorField(result, Int32(HPC_PG_DIAG_SQLSTATE)).map { String(cString: $0) } ?? ""
            let message = Self.trimmed(String(cString: PQresultErrorMessage(result)))
            let broken = PQstatus(connection) != CONNECTION_OK
            throw Self.classify(sqlState: state, connectionBroken: broken, message: "\(message) (in: \(sql.prefix(120)))")
        }
    }

    private func readRows(_ result: OpaquePointer, onRow: (SQLRow) throws(SQLError) -> Void) throws(SQLError) {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        let kinds = (0..<columnCount).map { PQftype(result, $0) }
        for row in 0..<rowCount {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) != 0 {
                    values.append(.null)
                    continue
                }
                let text = String(cString: PQgetvalue(result, row, column))
                switch Int32(kinds[Int(column)]) {
                case Int32(HPC_PG_INT8OID), Int32(HPC_PG_INT4OID), Int32(HPC_PG_INT2OID):
                    values.append(Int64(text).map(SQLValue.integer) ?? .text(text))
                case Int32(HPC_PG_FLOAT8OID), Int32(HPC_PG_FLOAT4OID), Int32(HPC_PG_NUMERICOID):
                    values.append(Double(text).map(SQLValue.double) ?? .text(text))
                default:
                    values.append(.text(text))
                }
            }
            try onRow(SQLRow(values: values))
        }
    }

    static func classify(sqlState: String, connectionBroken: Bool, message: String) -> SQLError {
        if connectionBroken { return SQLError(.connection, message) }
        switch sqlState {
        case "23505": return SQLError(.uniqueViolation, message)
        case "23503": return SQLError(.foreignKeyViolation, message)
        case "40001", "40P01", "55P03": return SQLError(.busy, message)
        // query_canceled: statement_timeout (a lock held elsewhere, a stalled server).
        case "57014": return SQLError(.timedOut, message)
        case "53100": return SQLError(.diskFull, message)
        case "53300", "57P01", "57P02", "57P03": return SQLError(.connection, message)
        default:
            if sqlState.hasPrefix("08") { return SQLError(.connection, message) }
            return SQLError(.other, message)
        }
    }

    private static func trimmed(_ message: String) -> String {
        String(message.split(whereSeparator: \.isNewline).joined(separator: " ").drop(while: \.isWhitespace))
    }

    private static func withCStringArray<Result>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
        let copies = strings.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        return body(copies.map { UnsafePointer($0) } + [nil])
    }
}
