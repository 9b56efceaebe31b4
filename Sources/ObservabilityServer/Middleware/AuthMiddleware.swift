import Foundation
import Hummingbird

/// Requires `Authorization: Bearer <token>` on writes, and on reads when configured.
///
/// Anyone on a cluster can reach the service; only hooks, collectors and admins hold the
/// token. Tokens are compared in constant time so response timing reveals nothing of them.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let configuration: AuthConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = configuration.token, needsToken(request) else {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw APIProblem.unauthorized
        }
        let presented = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard Self.constantTimeEquals(Array(presented.utf8), Array(token.utf8)) else {
            throw APIProblem.forbidden
        }
        return try await next(request, context)
    }

    private func needsToken(_ request: Request) -> Bool {
        switch request.method {
        case .get, .head, .options:
            // Health stays open so load balancers and probes need no secret; the pages'
            // files hold no data (their script asks for the token before it reads).
            let path = request.uri.path
            let holdsData = (path.hasPrefix("/v1/") && path != "/v1/health") || path == "/metrics"
            return configuration.readsRequireToken && holdsData
        default:
            return true
        }
    }

    /// Compares every byte whatever the first difference, and the lengths last.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference: UInt8 = lhs.count == rhs.count ? 0 : 1
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
