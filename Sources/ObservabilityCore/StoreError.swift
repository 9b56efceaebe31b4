/// A storage failure that is not the caller's input: a missing job, a conflict, a database that
/// is down or busy.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The job named does not exist.
        public static let notFound = Code("notFound")
        /// A job with this id exists already.
        public static let conflict = Code("conflict")
        /// A job id names jobs of several clusters and no cluster was given to choose one.
        public static let ambiguous = Code("ambiguous")
        /// The database cannot be reached or the connection broke. Retrying may succeed.
        public static let unavailable = Code("unavailable")
        /// The database is locked or a transaction lost a race. Retrying will likely succeed.
        public static let busy = Code("busy")
        /// The schema could not be brought to the version this build needs.
        public static let migrationFailed = Code("migrationFailed")
        /// The database returned something this build cannot read, or refused a statement.
        public static let databaseError = Code("databaseError")
        /// The store was closed.
        public static let closed = Code("closed")

        public var description: String { name }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Whether the same operation may succeed if tried again later (hooks spool on these).
    public var isRetryable: Bool { code == .unavailable || code == .busy }

    public var description: String { "\(code): \(message)" }

    public static func jobNotFound(_ id: String) -> StoreError {
        StoreError(.notFound, "no job with id '\(id)'")
    }

    public static func jobNotFound(_ id: String, cluster: String?) -> StoreError {
        guard let cluster else { return jobNotFound(id) }
        return StoreError(.notFound, "no job with id '\(id)' on cluster '\(cluster)'")
    }

    /// Names the clusters, so that the caller can choose one with `cluster`.
    public static func ambiguousJob(_ id: String, clusters: [String]) -> StoreError {
        StoreError(
            .ambiguous,
            "job id '\(id)' names jobs of several clusters (\(clusters.joined(separator: ", "))): give the cluster to choose one"
        )
    }
}
