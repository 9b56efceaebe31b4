import Foundation
import Yams

/// `openapi.yaml`, loaded with Yams and with `$ref`s resolved on use: the routes, their
/// parameters, bodies, responses and examples, as the mock serves them.
public struct OpenAPISpec: Sendable {
    public let root: JSONValue
    public let operations: [Operation]

    /// An error that stops the mock at start: the spec cannot be read or is not OpenAPI 3.
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public struct Operation: Sendable {
        public let method: String
        /// `/v1/jobs/{jobId}`.
        public let path: String
        public let operationID: String
        public let parameters: [JSONValue]
        public let requestBody: JSONValue?
        /// Status code (`"200"`) to response object.
        public let responses: [String: JSONValue]

        public var segments: [Substring] { path.split(separator: "/") }
    }

    public static let methods = ["get", "put", "post", "delete", "options", "head", "patch"]

    public init(path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LoadError(description: "cannot read the OpenAPI spec at \(path)")
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            throw LoadError(description: "\(path) is not YAML: \(error)")
        }
        try self.init(root: JSONValue(yaml: loaded), source: path)
    }

    public init(root: JSONValue, source: String = "the spec") throws {
        guard root["openapi"]?.stringValue?.hasPrefix("3.") == true, let paths = root["paths"]?.object else {
            throw LoadError(description: "\(source) is not an OpenAPI 3 document with paths")
        }
        self.root = root
        var operations: [Operation] = []
        for (path, item) in paths.sorted(by: { $0.key < $1.key }) {
            let shared = item["parameters"]?.arrayValue ?? []
            for method in Self.methods {
                guard let operation = item[method] else { continue }
                operations.append(
                    Operation(
                        method: method.uppercased(),
                        path: path,
                        operationID: operation["operationId"]?.stringValue ?? "\(method) \(path)",
                        parameters: (shared + (operation["parameters"]?.arrayValue ?? [])).map { Self.resolve($0, in: root) },
                        requestBody: operation["requestBody"].map { Self.resolve($0, in: root) },
                        responses: (operation["responses"]?.object ?? [:]).mapValues { Self.resolve($0, in: root) }
                    )
                )
            }
        }
        self.operations = operations
    }

    /// Follows `{"$ref": "#/components/…"}` until a value that is not a reference.
    public func resolve(_ value: JSONValue) -> JSONValue {
        Self.resolve(value, in: root)
    }

    static func resolve(_ value: JSONValue, in root: JSONValue) -> JSONValue {
        var current = value
        var hops = 0
        while let reference = current["$ref"]?.stringValue, reference.hasPrefix("#/"), hops < 32 {
            var target: JSONValue? = root
            for part in reference.dropFirst(2).split(separator: "/") {
                let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                target = target?[key]
            }
            guard let found = target else { return current }
            current = found
            hops += 1
        }
        return current
    }
}
