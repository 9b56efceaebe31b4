import BackgroundWork
public import Logging
public import ObservabilityCore
public import ServiceLifecycle

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Deletes samples older than the retention period: once at start, then every interval.
///
/// The period is counted in whole UTC days: a sample goes at the first pass after the end of
/// the day that is `retentionDays` old, so it is kept up to a day longer than the period. On
/// PostgreSQL, where samples are partitioned by day, a pass then drops whole days instead of
/// deleting row by row; on SQLite it deletes a day in chunks, each a short transaction.
///
/// A failed pass is logged and retried at the next interval; it never stops the server.
public struct RetentionService: Service {
    public let store: any JobStore
    public let retentionDays: Int
    /// Time between passes. Defaults to one hour.
    public let interval: Duration
    public let logger: Logger
    let clock: any Clock<Duration>

    public init(
        store: any JobStore,
        retentionDays: Int,
        interval: Duration = .seconds(3_600),
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger
    ) {
        self.store = store
        self.retentionDays = retentionDays
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(on: clock) {
            await runOnce(now: Date())
            return interval
        }
    }

    /// The start of the UTC day `retentionDays` before `now`'s.
    public static func cutoff(now: Date, retentionDays: Int) -> Date {
        let seconds = now.timeIntervalSince1970 - Double(retentionDays) * 86_400
        return Date(timeIntervalSince1970: (seconds / 86_400).rounded(.down) * 86_400)
    }

    /// One pass; returns how many samples went.
    @discardableResult
    public func runOnce(now: Date) async -> Int {
        let cutoff = Self.cutoff(now: now, retentionDays: retentionDays)
        do {
            let deleted = try await store.deleteSamples(olderThan: cutoff)
            if deleted > 0 {
                logger.info("retention deleted old samples", metadata: ["deleted": "\(deleted)", "retentionDays": "\(retentionDays)"])
            }
            return deleted
        } catch {
            logger.error("retention pass failed; retrying at the next interval", metadata: ["error": "\(error)"])
            return 0
        }
    }
}
