import Hummingbird

/// Turns the router's 404 for a known path with an unknown method into 405 with `Allow`.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let methods = routes.methods(forPath: request.uri.path), !methods.contains(request.method) else {
                throw error
            }
            let allowed = methods.map(\.rawValue).sorted()
            throw APIProblem(
                status: .methodNotAllowed,
                kind: "method-not-allowed",
                detail: "\(request.uri.path) takes \(allowed.joined(separator: ", ")), not \(request.method.rawValue)",
                allow: allowed
            )
        }
    }
}
