import Foundation
import ObservabilityAPI
import ObservabilityCore

/// The `/v1` operations of `openapi.yaml`, translated to the storage core and back.
///
/// Handlers stay thin: they convert, call the store, and convert back. Every rule lives in
/// the core; every error becomes a problem response in ``APIProblem``.
struct ObservabilityAPIHandler: APIProtocol {
    let store: any JobStore
    let metrics: ServiceMetrics
    /// The current time; tests fix it.
    let now: @Sendable () -> Date

    init(store: any JobStore, metrics: ServiceMetrics, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.metrics = metrics
        self.now = now
    }

    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        do {
            try await store.checkHealth()
            return .ok(.init(body: .json(.init(status: .ok, version: ServiceVersion.current, store: .reachable))))
        } catch {
            return .serviceUnavailable(
                .init(body: .json(.init(status: .unavailable, version: ServiceVersion.current, store: .unreachable, detail: "\(error)")))
            )
        }
    }
}
