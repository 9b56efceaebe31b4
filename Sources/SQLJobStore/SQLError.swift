/// A failure reported by a SQL backend, classified so the store can map it to a ``StoreError``
/// without knowing SQLite result codes or PostgreSQL SQLSTATEs.
public struct SQLError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A unique or primary key constraint refused a row.
        public static let uniqueViolation = Kind("uniqueViolation")
        /// A foreign key constraint refused a row.
        public static let foreignKeyViolation = Kind("foreignKeyViolation")
        /// The database is locked by another writer, or a transaction must be retried.
        public static let busy = Kind("busy")
        /// The connection could not be made or broke; the pool reconnects on next use.
        public static let connection = Kind("connection")
        /// The database cancelled the statement after its timeout (a lock held elsewhere, a
        /// database that stalls): worth trying later, not again at once.
        public static let timedOut = Kind("timedOut")
        /// The database's disk is full: the write was rolled back, and can succeed once space
        /// returns.
        public static let diskFull = Kind("diskFull")
        /// A result did not have the shape this build expects.
        public static let unexpectedResult = Kind("unexpectedResult")
        /// Anything else the database refused.
        public static let other = Kind("other")

        public var description: String { name }
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind): \(message)" }
}
