import BackgroundWork
public import Logging
public import ObservabilityCore
public import ServiceLifecycle

/// Folds the store's changes of job states every minute (``JobStore/foldJobStateCounts()``),
/// so that `/metrics`, `/v1/stats` and list totals read a minute of changes, not a day's.
///
/// A failed fold is logged and tried again a minute later; counts stay right meanwhile, only
/// slower to read.
public struct JobStateCountFolding: Service {
    public let store: any JobStore
    public let interval: Duration
    public let logger: Logger
    let clock: any Clock<Duration>

    public init(store: any JobStore, interval: Duration = .seconds(60), clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.store = store
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(on: clock) {
            do {
                try await store.foldJobStateCounts()
            } catch {
                logger.warning("folding job state counts failed; trying again in a minute", metadata: ["error": "\(error)"])
            }
            return interval
        }
    }
}
