import Hummingbird
import ObservabilityCore

/// Times every request by route template, method and final status. Outermost, so that it
/// sees the status of problem responses too.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        metrics.recordRequest(
            route: context.endpointPath ?? "unmatched",
            method: request.method.rawValue,
            status: response.status.code,
            nanoseconds: elapsed.nanoseconds
        )
        return response
    }
}
