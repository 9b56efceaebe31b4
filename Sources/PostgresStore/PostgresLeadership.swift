import Dispatch
public import ObservabilityCore
import SQLJobStore
import Synchronization

/// Leadership among replicas on one PostgreSQL, through a session-level advisory lock held
/// on a connection of its own (never a pooled one, whose session outlives its borrower).
///
/// The lock lives as long as that session: a leader killed outright loses it as soon as the
/// kernel closes its socket; a leader cut off from the database loses it when the server
/// notices, within `serverNoticeSeconds` (the session's own TCP keepalive and user timeout
/// settings), and stops polling itself when its next confirmation fails, which takes at most
/// the connection's statement timeout. A standby takes the lead at its next cycle after
/// that: within one poll interval plus `serverNoticeSeconds`.
public final class PostgresLeadership: PollerLeadership {
    /// How long the server may take to drop a silent leader's session.
    public static let serverNoticeSeconds = 15

    let connectionString: String
    let key: Int64
    private let queue: DispatchQueue
    /// Touched only on `queue`.
    private nonisolated(unsafe) var connection: PostgresConnection?
    private nonisolated(unsafe) var held = false

    /// - Parameter name: what is led, such as `slurm-poller:cluster-a`; replicas that name the
    ///   same thing compete for it.
    public init(connectionString: String, name: String) {
        self.connectionString = connectionString
        key = LockKey.of("hpc-obs:" + name)
        queue = DispatchQueue(label: "hpc-obs.leadership")
    }

    public func lead() async -> Bool {
        await onQueue { self.leadNow() }
    }

    public func resign() async {
        await onQueue {
            if self.held, let connection = self.connection {
                _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [.integer(self.key)])
            }
            self.drop()
        }
    }

    /// On `queue`: libpq's calls block.
    private func leadNow() -> Bool {
        do throws(SQLError) {
            let connection: PostgresConnection
            if let existing = self.connection {
                connection = existing
            } else {
                connection = try open()
                self.connection = connection
            }
            if held {
                // The session is the lock: while it answers, the lock is ours.
                try connection.execute("SELECT 1")
                return true
            }
            held = try connection.execute("SELECT pg_try_advisory_lock($1)", [.integer(key)]).rows.first?.values.first == .text("t")
            return held
        } catch {
            drop()
            return false
        }
    }

    private func open() throws(SQLError) -> PostgresConnection {
        let connection = try PostgresConnection(connectionString: connectionString)
        // The server's side of the same bound: it drops a silent leader's session, and so
        // its lock, within serverNoticeSeconds.
        try connection.executeScript(
            "SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3; SET tcp_user_timeout = \(Self.serverNoticeSeconds * 1_000)"
        )
        return connection
    }

    private func drop() {
        connection?.close()
        connection = nil
        held = false
    }

    private func onQueue<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }
}
