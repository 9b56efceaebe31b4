import Foundation
import Hummingbird
import ObservabilityCore

/// An error as the API reports it: an RFC 9457 problem document with the HTTP status, a
/// detail that says what to change, and the field at fault when there is one.
///
/// Every error a request can cause is mapped here, in one place, so that bad input is
/// always a 4xx with a body and never a bare 500.
struct APIProblem: Error, Sendable, Equatable {
    var status: HTTPResponse.Status
    /// The last part of the problem type URI, `urn:hpc-obs:problem:<kind>`.
    var kind: String
    var detail: String
    var field: String?
    /// For 405: the methods the path takes, sent as `Allow`.
    var allow: [String]?

    init(status: HTTPResponse.Status, kind: String, detail: String, field: String? = nil, allow: [String]? = nil) {
        self.status = status
        self.kind = kind
        self.detail = detail
        self.field = field
        self.allow = allow
    }

    /// What a 503 asks clients to wait, in seconds: about the store's connection wait.
    static let retryAfterSeconds = 5

    static func badRequest(_ detail: String, field: String? = nil) -> APIProblem {
        APIProblem(status: .badRequest, kind: "bad-request", detail: detail, field: field)
    }

    /// The items of a body that is one item or an array: a non-empty array of at most `max`.
    static func batch<Item>(_ items: [Item], max: Int, noun: String) throws(APIProblem) -> [Item] {
        guard !items.isEmpty else { throw .badRequest("a batch holds at least one \(noun)") }
        guard items.count <= max else { throw .badRequest("a batch holds at most \(max) \(noun)s, got \(items.count)") }
        return items
    }

    /// Runs a query parameter's validation; its failure is the request's fault (400).
    static func parsingQuery<Value>(_ parse: () throws(ValidationError) -> Value) throws(APIProblem) -> Value {
        switch Result(catching: parse) {
        case .success(let value): return value
        case .failure(let error): throw .badRequest(error.description, field: error.field)
        }
    }

    static func invalidValue(_ error: ValidationError) -> APIProblem {
        APIProblem(status: .unprocessableContent, kind: "invalid-value", detail: error.description, field: error.field)
    }

    static func notFound(_ detail: String) -> APIProblem {
        APIProblem(status: .notFound, kind: "not-found", detail: detail)
    }

    static let unsupportedMediaType = APIProblem(
        status: .unsupportedMediaType,
        kind: "unsupported-media-type",
        detail: "send the body as application/json"
    )

    static func payloadTooLarge(limit: Int) -> APIProblem {
        APIProblem(status: .contentTooLarge, kind: "payload-too-large", detail: "request bodies are limited to \(limit) bytes")
    }

    static let unauthorized = APIProblem(
        status: .unauthorized,
        kind: "unauthorized",
        detail: "this request needs an 'Authorization: Bearer <token>' header"
    )

    static let forbidden = APIProblem(status: .forbidden, kind: "forbidden", detail: "the bearer token is not valid for this server")

    var body: ProblemDocument {
        ProblemDocument(
            type: "urn:hpc-obs:problem:\(kind)",
            title: status.reasonPhrase,
            status: status.code,
            detail: detail,
            field: field
        )
    }

    func response() -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(body)) ?? Data(#"{"type":"about:blank","status":500}"#.utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if status == .unauthorized { headers[.wwwAuthenticate] = #"Bearer realm="hpc-obs""# }
        if let allow { headers[.allow] = allow.joined(separator: ", ") }
        // Clients that honour it (the hooks spool and try later anyway) come back after the
        // store's own waits have run out, not in a tight loop.
        if status == .serviceUnavailable { headers[.retryAfter] = String(Self.retryAfterSeconds) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
