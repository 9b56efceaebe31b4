/// Which database the service uses, read from `DATABASE_TYPE` and `DATABASE_URL`.
///
/// Parsed here, once, so the server, the hooks and the tools accept exactly the same values.
/// `StorageBackends` describes it for logs without its secrets (`redactedDescription`).
public enum DatabaseConfiguration: Sendable, Hashable {
    /// A SQLite file path (or a `file:` URI). Zero setup; one host.
    case sqlite(path: String, synchronous: SQLiteSynchronous = .full)
    /// A libpq connection string: `postgres://` / `postgresql://` URL or `key=value` pairs.
    case postgres(connectionString: String)

    public static let defaultSQLitePath = "./hpc-jobs.db"

    /// Reads `DATABASE_TYPE` (`sqlite`, the default, or `postgres`) and `DATABASE_URL`.
    public init(environment: [String: String]) throws(ConfigurationError) {
        let type = environment["DATABASE_TYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? "sqlite"
        let url = environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        switch type.lowercased() {
        case "sqlite", "sqlite3":
            let path = url ?? Self.defaultSQLitePath
            if path.hasPrefix("postgres://") || path.hasPrefix("postgresql://") {
                throw ConfigurationError(
                    variable: "DATABASE_URL",
                    value: path,
                    accepted: "with DATABASE_TYPE=sqlite it is a file path; set DATABASE_TYPE=postgres for a PostgreSQL URL"
                )
            }
            let mode = environment["SQLITE_SYNCHRONOUS"].flatMap { $0.isEmpty ? nil : $0 } ?? SQLiteSynchronous.full.rawValue
            guard let synchronous = SQLiteSynchronous(rawValue: mode.lowercased()) else {
                throw ConfigurationError(
                    variable: "SQLITE_SYNCHRONOUS",
                    value: mode,
                    accepted: "full (an acknowledged write survives a power cut) or normal (it survives a crash of the process)"
                )
            }
            self = .sqlite(path: path, synchronous: synchronous)
        case "postgres", "postgresql":
            guard let url else {
                throw ConfigurationError(
                    variable: "DATABASE_URL",
                    value: "",
                    accepted: "DATABASE_TYPE=postgres needs a connection URL such as postgres://user:pass@host:5432/hpc"
                )
            }
            let looksLikeURL = url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
            let looksLikeKeywords = url.contains("=")
            guard looksLikeURL || looksLikeKeywords else {
                throw ConfigurationError(
                    variable: "DATABASE_URL",
                    value: url,
                    accepted: "a postgres:// or postgresql:// URL, or libpq key=value pairs such as 'host=db dbname=hpc'"
                )
            }
            self = .postgres(connectionString: url)
        default:
            throw ConfigurationError(variable: "DATABASE_TYPE", value: type, accepted: "one of sqlite, postgres")
        }
    }
}

/// When SQLite waits for the disk (`PRAGMA synchronous`, in WAL mode).
///
/// A hook deletes its spooled copy of an event once the service acknowledges it, so an
/// acknowledged write must survive what the machine survives: `full` is the default.
public enum SQLiteSynchronous: String, Sendable, Hashable, CaseIterable {
    /// Every commit waits for the write-ahead log to reach the disk: survives a power cut.
    case full
    /// Commits wait only at checkpoints: survives a crash of the process, not of the machine;
    /// faster for sites that prefer speed.
    case normal
}
