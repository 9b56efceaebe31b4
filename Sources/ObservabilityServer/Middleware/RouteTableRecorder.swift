import HTTPTypes
import OpenAPIRuntime

/// A transport that serves nothing and only writes down what the generated code registers,
/// so the table exists before the real routes (which must come after the middleware).
final class RouteTableRecorder: ServerTransport {
    private(set) var table = RouteTable()

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        table.add(method: method, path: path)
    }
}
