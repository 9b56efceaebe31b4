import APIMock
import Foundation
import Testing

@Suite("Mock server")
struct MockResponderTests {
    static let spec: OpenAPISpec = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../openapi.yaml").standardizedFileURL.path
        return try! OpenAPISpec(path: path)
    }()

    let responder = MockResponder(spec: MockResponderTests.spec)
    let validator = SchemaValidator(spec: MockResponderTests.spec)

    /// A request for `operation` built from the spec itself: parameter examples for the path,
    /// the first request-body example for the body.
    func request(for operation: OpenAPISpec.Operation) -> MockResponder.Request {
        var path = operation.path
        for parameter in operation.parameters where parameter["in"]?.stringValue == "path" {
            let name = parameter["name"]?.stringValue ?? ""
            let example = parameter["example"]?.stringValue ?? Self.spec.resolve(parameter["schema"] ?? .null)["example"]?.stringValue ?? "job-001"
            path = path.replacingOccurrences(of: "{\(name)}", with: example)
        }
        var body: [UInt8] = []
        if let media = operation.requestBody?["content"]?["application/json"] {
            let example = media["examples"]?.object.flatMap { $0.sorted { $0.key < $1.key }.first?.value["value"] } ?? media["example"]
            body = Array((try? JSONEncoder().encode(example)) ?? Data())
        }
        return MockResponder.Request(method: operation.method, path: path, headers: ["content-type": "application/json"], body: body)
    }

    @Test(arguments: MockResponderTests.spec.operations.map(\.operationID))
    func everyOperationAnswersWithASchemaValidExample(operationID: String) throws {
        let operation = try #require(Self.spec.operations.first { $0.operationID == operationID })
        let reply = responder.respond(to: request(for: operation))
        let expected = operation.responses.keys.sorted().first { $0.hasPrefix("2") }
        #expect(reply.status == Int(expected ?? ""), "\(String(decoding: reply.body, as: UTF8.self))")
        let response = try #require(operation.responses[String(reply.status)])
        if let media = response["content"]?.object?.first?.value, let schema = media["schema"] {
            let body = try JSONDecoder().decode(JSONValue.self, from: Data(reply.body))
            #expect(validator.validate(body, against: schema) == nil, "\(operationID): \(String(decoding: reply.body, as: UTF8.self))")
        } else {
            #expect(reply.body.isEmpty)
        }
    }

    @Test func unknownPathsAre404AndWrongMethods405WithAllow() {
        #expect(responder.respond(to: .init(method: "GET", path: "/v1/nothing")).status == 404)
        let wrong = responder.respond(to: .init(method: "DELETE", path: "/v1/health"))
        #expect(wrong.status == 405 && wrong.headers["Allow"] == "GET")
    }

    @Test func preferPicksAnotherDocumentedStatusOrExample() throws {
        let missing = responder.respond(to: .init(method: "GET", path: "/v1/jobs/job-001", headers: ["prefer": "code=404"]))
        #expect(missing.status == 404 && missing.headers["Content-Type"] == "application/problem+json")
        let undocumented = responder.respond(to: .init(method: "GET", path: "/v1/jobs/job-001", headers: ["prefer": "code=418"]))
        #expect(undocumented.status == 200)
        let operation = try #require(Self.spec.operations.first { $0.operationID == "postEvents" })
        let examples = try #require(operation.responses["200"]?["content"]?["application/json"]?["examples"]?.object)
        for name in examples.keys {
            let reply = responder.respond(
                to: MockResponder.Request(
                    method: "POST",
                    path: "/v1/events",
                    headers: ["content-type": "application/json", "prefer": "example=\(name)"],
                    body: request(for: operation).body
                )
            )
            let body = try JSONDecoder().decode(JSONValue.self, from: Data(reply.body))
            #expect(body == Self.spec.resolve(try #require(examples[name]))["value"])
        }
    }

    @Test func invalidRequestsGetTheSpecsProblemNotAnExample() {
        func status(_ method: String, _ path: String, query: [String: String] = [:], body: String? = nil, type: String = "application/json") -> Int {
            responder.respond(to: .init(method: method, path: path, query: query, headers: ["content-type": type], body: Array((body ?? "").utf8)))
                .status
        }
        #expect(status("GET", "/v1/jobs", query: ["limit": "many"]) == 400)
        #expect(status("GET", "/v1/jobs", query: ["limit": "5000"]) == 400)
        #expect(status("GET", "/v1/jobs", query: ["state": "sleeping"]) == 400)
        #expect(status("POST", "/v1/jobs", body: #"{"id": "x"}"#) == 400)
        #expect(status("POST", "/v1/jobs", body: #"{"id": "x", "user": 7}"#) == 400)
        #expect(status("POST", "/v1/jobs", body: "not json") == 400)
        #expect(status("POST", "/v1/jobs", body: #"{"id": "x", "user": "a"}"#, type: "text/plain") == 415)
        #expect(status("POST", "/v1/jobs", body: #"{"id": "x", "user": "a", "requestedCpus": 0}"#) == 422)
        #expect(status("POST", "/v1/jobs", body: #"{"id": "x", "user": "a"}"#) == 201)
    }

    @Test func aSpecThatIsNotOpenAPIIsRefusedWithAReason() {
        #expect(throws: OpenAPISpec.LoadError.self) { try OpenAPISpec(path: "/nonexistent/openapi.yaml") }
        #expect(throws: OpenAPISpec.LoadError.self) { try OpenAPISpec(root: .object(["swagger": .string("2.0")])) }
    }
}
