import Foundation
import Hummingbird

/// Undoes the OpenAPI runtime's percent-encoding of the `Location` header.
///
/// The runtime encodes every header value as a URI component, which turns `/v1/jobs/42` into
/// `%2Fv1%2Fjobs%2F42`, a different (relative) URL. Handlers set `Location` already encoded
/// as a path; decoding once here gives that path back.
struct LocationHeaderMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let location = response.headers[.location], let decoded = location.removingPercentEncoding {
            response.headers[.location] = decoded
        }
        return response
    }
}
