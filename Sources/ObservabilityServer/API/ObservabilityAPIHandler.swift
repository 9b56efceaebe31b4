import Foundation
import Logging
import ObservabilityAPI
import ObservabilityCore
import SlurmPolling

/// The `/v1` operations of `openapi.yaml`, translated to the storage core and back.
///
/// Handlers stay thin: they convert, call the store, and convert back. Every rule lives in
/// the core; every error becomes a problem response in ``APIProblem``.
struct ObservabilityAPIHandler: APIProtocol {
    let store: any JobStore
    let metrics: ServiceMetrics
    let logger: Logger
    /// Where a job's use earns a note (``JobVerdicts``).
    let verdicts: JobVerdicts.Thresholds
    /// Told in health answers, so that a page asks for a token before it reads.
    let readsRequireToken: Bool
    /// What this replica's Slurm poller does; nil when polling is off.
    let pollerRole: PollerRoleBoard?
    /// The current time; tests fix it.
    let now: @Sendable () -> Date

    init(
        store: any JobStore,
        metrics: ServiceMetrics,
        logger: Logger,
        verdicts: JobVerdicts.Thresholds = JobVerdicts.Thresholds(),
        readsRequireToken: Bool = false,
        pollerRole: PollerRoleBoard? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.pollerRole = pollerRole
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.verdicts = verdicts
        self.readsRequireToken = readsRequireToken
        self.now = now
    }

    /// Anyone may ask, so the answer says only that the store does not answer; why (libpq's
    /// message, the database's host and user) goes to the log.
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        do {
            try await store.checkHealth()
            return .ok(
                .init(
                    body: .json(
                        .init(
                            status: .ok,
                            version: ServiceVersion.current,
                            store: .reachable,
                            readTokenRequired: readsRequireToken,
                            poller: pollerState
                        )
                    )
                )
            )
        } catch {
            logger.warning("health check: the store does not answer", metadata: ["error": "\(error)"])
            return .serviceUnavailable(
                .init(
                    body: .json(
                        .init(
                            status: .unavailable,
                            version: ServiceVersion.current,
                            store: .unreachable,
                            detail: Self.storeUnreachable,
                            readTokenRequired: readsRequireToken,
                            poller: pollerState
                        )
                    )
                )
            )
        }
    }

    private var pollerState: Components.Schemas.Health.PollerPayload {
        switch pollerRole?.role ?? .off {
        case .off: .off
        case .starting: .starting
        case .leader: .leader
        case .standby: .standby
        }
    }

    static let storeUnreachable = "the store does not answer; the server's log says why"
}
