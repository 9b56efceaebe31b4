import Hummingbird
import Logging

/// Turns every error under it into a problem+json response. Outermost in the chain, so that
/// routing errors (unknown path), body limits and authentication answer in the same format.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = APIProblem(error)
            if problem.status.code >= 500 {
                context.logger.error(
                    "request failed",
                    metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"]
                )
            }
            return problem.response()
        }
    }
}
