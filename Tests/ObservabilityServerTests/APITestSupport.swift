import Foundation
import Hummingbird
import HummingbirdTesting
import NIOFoundationEssentialsCompat
import ObservabilityCore
import ObservabilityServer
import SQLJobStore
import TestSupport
import Testing

/// Runs `body` against the real router on a fresh store of `backend`.
func withAPI(
    _ backend: TestBackend,
    auth: AuthConfiguration = AuthConfiguration(),
    _ body: @Sendable (any TestClientProtocol, any JobStore) async throws -> Void
) async throws {
    let store = try await backend.makeStore().store
    let app = Application(router: try buildRouter(store: store, auth: auth))
    try await app.test(.router) { client in
        try await body(client, store)
    }
    await store.close()
}

extension TestClientProtocol {
    /// Sends JSON text as it is, so tests can send exactly what a client would.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        json: String? = nil,
        headers: HTTPFields = [:],
        contentType: String = "application/json"
    ) async throws -> TestResponse {
        var headers = headers
        if json != nil, headers[.contentType] == nil { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    var jsonArray: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [[String: Any]] ?? []
    }

    /// Checks the response is a problem document with `status`, and returns its field.
    @discardableResult
    func expectProblem(_ status: HTTPResponse.Status, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
        #expect(self.status == status, "body: \(String(buffer: body))", sourceLocation: sourceLocation)
        #expect(headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let problem = json
        #expect(problem["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
        #expect((problem["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect((problem["type"] as? String)?.hasPrefix("urn:hpc-obs:problem:") == true, sourceLocation: sourceLocation)
        if let field {
            #expect(problem["field"] as? String == field, "problem: \(problem)", sourceLocation: sourceLocation)
        }
        return problem
    }
}
