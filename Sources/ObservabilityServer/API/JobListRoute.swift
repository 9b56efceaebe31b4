import Foundation
import HTTPTypes
import Hummingbird
import ObservabilityAPI
import ObservabilityCore
import OpenAPIHummingbird
import OpenAPIRuntime

/// `GET /v1/jobs`, served beside the generated routes: the same handler and checks, with
/// its answer written by ``JSONWriter`` from the core's types instead of `JSONEncoder` from
/// the generated ones, which spent more than half of the server's CPU on a page of jobs. The query is read here as the generated code reads
/// it (form style: `+` is a space, then percent-decoding; the first of repeated names).
struct JobListRoute {
    static let method = HTTPRequest.Method.get
    static let path = "/v1/jobs"

    let handler: ObservabilityAPIHandler

    func register(on router: Router<BasicRequestContext>) {
        router.on(RouterPath(Self.path), method: Self.method) { request, _ in try await respond(to: request) }
    }

    func respond(to request: Request) async throws -> Response {
        try QueryItems.requireJSONAccepted(request.headers[values: .accept])
        let page = try await handler.jobListPage(try Self.query(request.uri.query ?? ""))
        var writer = JSONWriter(capacity: 512 + page.listing.jobs.count * 512)
        try writer.write(page)
        return writer.response
    }

    /// The list's query parameters, typed; a value of the wrong type is a 400 naming it.
    static func query(_ text: String) throws -> Operations.ListJobs.Input.Query {
        let items = try QueryItems(text)
        return try APIProblem.parsingQuery { () throws(ValidationError) in try typed(items) }
    }

    private static func typed(_ items: QueryItems) throws(ValidationError) -> Operations.ListJobs.Input.Query {
        Operations.ListJobs.Input.Query(
            state: try items["state"].map { value throws(ValidationError) in
                guard let state = Components.Schemas.JobState(rawValue: value) else {
                    let states = Components.Schemas.JobState.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ValidationError(.unknownValue, field: "state", "must be one of \(states), got '\(value.prefix(64))'")
                }
                return state
            },
            user: items["user"],
            node: items["node"],
            partition: items["partition"],
            cluster: items["cluster"],
            since: try items.time("since"),
            until: try items.time("until"),
            limit: try items.integer("limit"),
            offset: try items.integer("offset"),
            cursor: items["cursor"]
        )
    }
}

extension JSONWriter {
    /// 200 with what was written, as the generated routes answer.
    var response: Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: buffer))
    }
}

extension APIProblem {
    /// The server failed, not the request: an error without an answer of its own, or a
    /// handler's answer that a route served by hand does not expect. The log says more.
    static let handlerFailed = APIProblem(
        status: .internalServerError,
        kind: "internal",
        detail: "the server failed to handle this request; its log says why"
    )
}

/// A query string's names and values, decoded as form data: `+` is a space, `%XX` a byte.
struct QueryItems {
    private var values: [String: String] = [:]

    init(_ query: String) throws {
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            if values[name] == nil { values[name] = value }
        }
    }

    subscript(name: String) -> String? { values[name] }

    func time(_ name: String) throws(ValidationError) -> Date? {
        guard let text = values[name] else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw ValidationError(
                .malformed,
                field: name,
                "must be an RFC 3339 time such as 2026-11-29T08:00:00Z, got '\(text.prefix(RFC3339.maxBytes))'"
            )
        }
        return date
    }

    func integer(_ name: String) throws(ValidationError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text) else {
            throw ValidationError(.malformed, field: name, "must be an integer, got '\(text.prefix(32))'")
        }
        return value
    }

    /// The generated routes answer 400 when the client accepts no JSON; so do those served by hand.
    static func requireJSONAccepted(_ accept: [String]) throws {
        guard !accept.isEmpty else { return }
        let ranges = accept.flatMap { $0.split(separator: ",") }.map { range in
            range.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        }
        guard ranges.contains(where: { ["*/*", "application/*", "application/json"].contains($0) }) else {
            throw APIProblem.badRequest("Accept: the answer is application/json, which this request does not accept")
        }
    }

    private static func decode(_ text: Substring) throws -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else { return String(text) }
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        guard let decoded = spaced.removingPercentEncoding else {
            throw APIProblem.badRequest("the query is not percent-encoded: '\(text.prefix(64))'")
        }
        return decoded
    }
}

/// The generated routes, but for those served by hand (``JobListRoute``, ``JobMetricsRoute``).
struct RoutesServedByHand: ServerTransport {
    let router: Router<BasicRequestContext>
    let skipped: Set<String>

    static func key(_ method: HTTPRequest.Method, _ path: String) -> String { "\(method.rawValue) \(path)" }

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        guard !skipped.contains(Self.key(method, path)) else { return }
        router.register(handler, method: method, path: path)
    }
}
