import Hummingbird
import Logging
import ObservabilityCore

/// `GET /v1/health`: 200 when the store answers a query, 503 when it does not, so a load
/// balancer takes a replica whose database is gone out of rotation.
struct HealthController: Sendable {
    let store: any JobStore

    func register(on group: RouterGroup<BasicRequestContext>) {
        group.get("health") { _, context in
            try await self.health(context: context)
        }
    }

    func health(context: BasicRequestContext) async throws -> EditedResponse<HealthResponse> {
        do {
            try await store.checkHealth()
            return EditedResponse(
                status: .ok,
                response: HealthResponse(status: "ok", version: ServiceVersion.current, store: "reachable")
            )
        } catch {
            context.logger.warning("health check: store unreachable", metadata: ["error": "\(error)"])
            return EditedResponse(
                status: .serviceUnavailable,
                response: HealthResponse(status: "unavailable", version: ServiceVersion.current, store: "unreachable", detail: "\(error)")
            )
        }
    }
}
