import Foundation

/// Answers a request from the spec alone: the operation's documented example, or the spec's
/// 400/415/422 problem when the request does not match what the spec describes, 404 for a
/// path it does not know and 405 (with `Allow`) for a method it does not list.
///
/// `Prefer: code=NNN` picks another documented status and `Prefer: example=NAME` another
/// documented example. Authentication is not checked: the mock is for learning the API and
/// for testing clients.
public struct MockResponder: Sendable {
    public let spec: OpenAPISpec
    let validator: SchemaValidator

    public init(spec: OpenAPISpec) {
        self.spec = spec
        validator = SchemaValidator(spec: spec)
    }

    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: [String: String]
        /// Header names in lower case.
        public var headers: [String: String]
        public var body: [UInt8]

        public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = []) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]
    }

    public func respond(to request: Request) -> Reply {
        let segments = request.path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        let matching = spec.operations.filter { Self.matches($0.segments, segments) }
        guard !matching.isEmpty else {
            return problem(404, "Not Found", "no operation in the spec has the path \(request.path)")
        }
        guard let operation = matching.first(where: { $0.method == request.method.uppercased() }) else {
            var reply = problem(405, "Method Not Allowed", "\(request.path) takes \(matching.map(\.method).joined(separator: ", "))")
            reply.headers["Allow"] = matching.map(\.method).joined(separator: ", ")
            return reply
        }
        if let invalid = checkParameters(operation, request: request, segments: segments) ?? checkBody(operation, request: request) {
            return invalid
        }
        return example(for: operation, prefer: Self.preferences(request.headers["prefer"]))
    }

    static func matches(_ template: [Substring], _ segments: [String]) -> Bool {
        guard template.count == segments.count else { return false }
        return zip(template, segments).allSatisfy { part, segment in
            (part.hasPrefix("{") && part.hasSuffix("}") && !segment.isEmpty) || part == segment
        }
    }

    // MARK: Validation

    private func checkParameters(_ operation: OpenAPISpec.Operation, request: Request, segments: [String]) -> Reply? {
        for parameter in operation.parameters {
            guard let name = parameter["name"]?.stringValue, let location = parameter["in"]?.stringValue else { continue }
            let text: String? =
                switch location {
                case "path": operation.segments.firstIndex(of: Substring("{\(name)}")).map { segments[$0] }
                case "query": request.query[name]
                case "header": request.headers[name.lowercased()]
                default: nil
                }
            guard let text else {
                if parameter["required"]?.boolValue == true {
                    return problem(400, "Bad Request", "\(name): is required", field: name)
                }
                continue
            }
            let schema = spec.resolve(parameter["schema"] ?? .object([:]))
            guard let value = Self.coerce(text, to: schema) else {
                return problem(
                    400,
                    "Bad Request",
                    "\(name): '\(text.prefix(80))' is not a valid \(schema["type"]?.stringValue ?? "value")",
                    field: name
                )
            }
            if let issue = validator.validate(value, against: schema, at: name) {
                return problem(400, "Bad Request", "\(issue.field): \(issue.detail)", field: issue.field)
            }
        }
        return nil
    }

    private func checkBody(_ operation: OpenAPISpec.Operation, request: Request) -> Reply? {
        guard let requestBody = operation.requestBody, let content = requestBody["content"]?.object else { return nil }
        if request.body.isEmpty {
            return requestBody["required"]?.boolValue == true ? problem(400, "Bad Request", "a JSON body is required") : nil
        }
        let contentType =
            (request.headers["content-type"] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard let media = content[contentType] else {
            return problem(415, "Unsupported Media Type", "send the body as \(content.keys.sorted().joined(separator: " or "))")
        }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(request.body)) else {
            return problem(400, "Bad Request", "the body is not JSON")
        }
        if let schema = media["schema"], let issue = validator.validate(value, against: schema) {
            let status = issue.severity == .rule && operation.responses["422"] != nil ? 422 : 400
            return problem(
                status,
                status == 422 ? "Unprocessable Content" : "Bad Request",
                "\(issue.field.isEmpty ? "body" : issue.field): \(issue.detail)",
                field: issue.field
            )
        }
        return nil
    }

    /// A parameter's text as the JSON value its schema expects; nil when it cannot be one.
    static func coerce(_ text: String, to schema: JSONValue) -> JSONValue? {
        switch schema["type"]?.stringValue {
        case "integer": Int64(text).map(JSONValue.integer)
        case "number": Double(text).map(JSONValue.number)
        case "boolean": text == "true" ? .bool(true) : text == "false" ? .bool(false) : nil
        default: .string(text)
        }
    }

    // MARK: Examples

    struct Preferences {
        var code: String?
        var example: String?
    }

    /// `Prefer: code=404, example=missing` (RFC 7240 preferences, comma or semicolon separated).
    static func preferences(_ header: String?) -> Preferences {
        var preferences = Preferences()
        for part in (header ?? "").split(whereSeparator: { $0 == "," || $0 == ";" }) {
            let pair = part.split(separator: "=", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            guard pair.count == 2 else { continue }
            if pair[0] == "code" { preferences.code = pair[1] }
            if pair[0] == "example" { preferences.example = pair[1] }
        }
        return preferences
    }

    private func example(for operation: OpenAPISpec.Operation, prefer: Preferences) -> Reply {
        let statuses = operation.responses.keys.sorted()
        let status =
            prefer.code.flatMap { statuses.contains($0) ? $0 : nil }
            ?? statuses.first { $0.hasPrefix("2") }
            ?? statuses.first
            ?? "200"
        let response = operation.responses[status] ?? .object([:])
        var headers: [String: String] = [:]
        for (name, header) in response["headers"]?.object ?? [:] {
            let header = spec.resolve(header)
            let value = header["example"] ?? spec.resolve(header["schema"] ?? .null)["example"] ?? .string("example")
            headers[name] = value.stringValue ?? String(decoding: (try? JSONEncoder().encode(value)) ?? Data(), as: UTF8.self)
        }
        let code = Int(status) ?? 200
        guard let content = response["content"]?.object, !content.isEmpty else {
            return Reply(status: code, headers: headers, body: [])
        }
        let mediaType = content["application/json"] != nil ? "application/json" : content.keys.sorted()[0]
        let media = content[mediaType] ?? .null
        headers["Content-Type"] = mediaType
        let body = chosenExample(media, name: prefer.example) ?? SchemaExample(spec: spec).value(for: media["schema"] ?? .object([:]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Reply(status: code, headers: headers, body: Array((try? encoder.encode(body)) ?? Data("null".utf8)))
    }

    /// The named example, else the first by name, else the single `example`.
    private func chosenExample(_ media: JSONValue, name: String?) -> JSONValue? {
        if let examples = media["examples"]?.object, !examples.isEmpty {
            let key = name.flatMap { examples[$0] != nil ? $0 : nil } ?? examples.keys.sorted()[0]
            return examples[key].map { spec.resolve($0)["value"] ?? .null }
        }
        return media["example"]
    }

    /// The largest body the mock reads, as the server: 1 MiB.
    public static let maxBodyBytes = 1 << 20

    /// For a body over ``maxBodyBytes``, which is refused before it is read whole.
    public func payloadTooLarge() -> Reply {
        problem(413, "Content Too Large", "the body is larger than \(Self.maxBodyBytes) bytes")
    }

    private func problem(_ status: Int, _ title: String, _ detail: String, field: String? = nil) -> Reply {
        var document: [String: JSONValue] = [
            "type": .string("urn:hpc-obs:problem:\(title.lowercased().replacingOccurrences(of: " ", with: "-"))"),
            "title": .string(title),
            "status": .integer(Int64(status)),
            "detail": .string(detail),
        ]
        if let field, !field.isEmpty { document["field"] = .string(field) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Reply(
            status: status,
            headers: ["Content-Type": "application/problem+json"],
            body: Array((try? encoder.encode(JSONValue.object(document))) ?? Data())
        )
    }
}
