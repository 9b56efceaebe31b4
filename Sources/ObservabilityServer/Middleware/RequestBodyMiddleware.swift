import Foundation
import Hummingbird

/// Guards the JSON endpoints' bodies before the generated decoder sees them: a body must be
/// JSON (415 otherwise) and at most ``maxBytes`` long (413 otherwise), checked on the bytes
/// actually received, whatever `Content-Length` claims.
struct RequestBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    /// 1 MiB: a batch of 10,000 samples fits with room to spare.
    static var defaultMaxBytes: Int { 1 << 20 }

    let maxBytes: Int

    init(maxBytes: Int = Self.defaultMaxBytes) {
        self.maxBytes = maxBytes
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch].contains(request.method) else {
            return try await next(request, context)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw APIProblem.payloadTooLarge(limit: maxBytes)
        }
        guard Self.isJSON(request.headers[.contentType]) else {
            throw APIProblem.unsupportedMediaType
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: maxBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIProblem.payloadTooLarge(limit: maxBytes)
        }
        return try await next(request, context)
    }

    /// `application/json`, any `+json` type, with or without parameters such as `charset`.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .trimmingCharacters(in: .whitespaces)
            .lowercased()
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
