import Foundation
import Hummingbird
import ObservabilityCore
import OpenAPIRuntime

extension APIProblem {
    /// The problem for any error a request produced: our own errors keep their meaning;
    /// errors raised while decoding a request (the generated code's) are the client's fault.
    init(_ error: any Error) {
        switch error {
        case let problem as APIProblem:
            self = problem
        case let error as ServerError:
            self = APIProblem(serverError: error)
        case let error as ValidationError:
            self = .invalidValue(error)
        case let error as JobTransitionError:
            self = APIProblem(status: .conflict, kind: "conflict", detail: error.description, field: "state")
        case let error as StoreError:
            self = APIProblem(storeError: error)
        case let error as DecodingError:
            self = APIProblem(decodingError: error)
        case let error as HTTPError:
            self = APIProblem(status: error.status, kind: Self.kind(for: error.status), detail: error.body ?? error.status.reasonPhrase)
        default:
            self = .handlerFailed
        }
    }

    private init(storeError error: StoreError) {
        switch error.code {
        case .notFound:
            self = .notFound(error.message)
        case .conflict:
            self = APIProblem(status: .conflict, kind: "conflict", detail: error.message, field: "id")
        case .ambiguous:
            self = APIProblem(status: .conflict, kind: "conflict", detail: error.message, field: "cluster")
        case .busy, .unavailable, .closed:
            // The store's own message names hosts and users: it goes to the log (5xx are
            // logged by ProblemMiddleware), not to whoever asked.
            self = APIProblem(status: .serviceUnavailable, kind: "store-unavailable", detail: "the store cannot take this request now; retry later")
        default:
            self = APIProblem(status: .internalServerError, kind: "store-error", detail: "the store refused this request; the server's log says why")
        }
    }

    /// The generated server wraps everything: what our handler threw, or why the request
    /// could not be decoded into the operation's input.
    private init(serverError error: ServerError) {
        if let underlying = error.underlyingError as? ServerError {
            self = APIProblem(serverError: underlying)
            return
        }
        switch error.underlyingError {
        case is APIProblem, is ValidationError, is JobTransitionError, is StoreError:
            self = APIProblem(error.underlyingError)
        case let decoding as DecodingError:
            self = APIProblem(decodingError: decoding)
        default:
            // Everything else the generated code raises concerns the request: a query value
            // of the wrong type, a missing body, a content type it cannot decode.
            let cause = "\(error.underlyingError)"
            if error.operationOutput == nil,
                cause.localizedCaseInsensitiveContains("content type") || cause.localizedCaseInsensitiveContains("content-type")
            {
                self = .unsupportedMediaType
            } else {
                self = .badRequest("\(error.causeDescription): \(cause)")
            }
        }
    }

    private init(decodingError error: DecodingError) {
        func path(_ codingPath: [any CodingKey]) -> String? {
            guard !codingPath.isEmpty else { return nil }
            return codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
                .joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            self = .badRequest("\(field ?? key.stringValue): is required", field: field)
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            self = .badRequest("\(field ?? "body"): expected \(Self.typeName(type))", field: field)
        case .valueNotFound(let type, let context):
            if let alternative = Self.mostSpecificAlternative(context) {
                self = APIProblem(decodingError: alternative)
                return
            }
            let field = path(context.codingPath)
            self = .badRequest("\(field ?? "body"): expected \(Self.typeName(type)), got null", field: field)
        case .dataCorrupted(let context):
            if let alternative = Self.mostSpecificAlternative(context) {
                self = APIProblem(decodingError: alternative)
                return
            }
            let field = path(context.codingPath)
            if let field {
                self = .badRequest("\(field): \(context.debugDescription)", field: field)
            } else {
                self = .badRequest("the body is not valid JSON: \(context.debugDescription)")
            }
        @unknown default:
            self = .badRequest("the body could not be decoded: \(error)")
        }
    }

    /// A body that is "one item or an array of them" fails as a whole, with each
    /// alternative's error kept in the runtime's internal `MultiError` (read here through
    /// reflection; without it the generic message stands). The useful one is the error that
    /// got furthest into the body: it names the field.
    private static func mostSpecificAlternative(_ context: DecodingError.Context) -> DecodingError? {
        guard let underlying = context.underlyingError,
            let alternatives = Mirror(reflecting: underlying).children.first(where: { $0.label == "errors" })?.value as? [any Error]
        else { return nil }
        let decodingErrors = alternatives.compactMap { $0 as? DecodingError }
        return decodingErrors.max { lhs, rhs in lhs.codingPathDepth < rhs.codingPathDepth }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Bool.Type: "a boolean"
        default: "\(type)"
        }
    }

    private static func kind(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "not-found"
        case .methodNotAllowed: "method-not-allowed"
        case .contentTooLarge: "payload-too-large"
        case .unsupportedMediaType: "unsupported-media-type"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        default: status.code < 500 ? "bad-request" : "internal"
        }
    }
}

extension DecodingError {
    fileprivate var codingPathDepth: Int {
        switch self {
        case .keyNotFound(_, let context): context.codingPath.count + 1
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): context.codingPath.count
        @unknown default: 0
        }
    }
}
