import APIMock
import ArgumentParser
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `hpc-obs-mockserver`: answers the whole `/v1` API from the examples in `openapi.yaml`, for
/// people learning the API and for client tests. Needs no database.
@main
struct HPCObsMockServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hpc-obs-mockserver",
        abstract: "Serve the hpc-obs REST API from the examples in its OpenAPI spec.",
        discussion: """
            The spec is --spec PATH, else ./openapi.yaml when present (a checkout), else \
            /usr/share/hpc-obs/openapi.yaml (the package's copy). HOST (0.0.0.0) and PORT (8081) \
            as for hpc-obs-server. `Prefer: code=NNN` and `Prefer: example=NAME` pick another \
            documented answer.
            """
    )

    static let installedSpec = "/usr/share/hpc-obs/openapi.yaml"

    @Option(help: "The OpenAPI spec to serve.") var spec: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let path = spec ?? (FileManager.default.fileExists(atPath: "openapi.yaml") ? "openapi.yaml" : Self.installedSpec)
        let port = environment["PORT"].flatMap(Int.init) ?? 8081
        let host = environment["HOST"] ?? "0.0.0.0"
        var logger = Logger(label: "hpc-obs-mockserver")
        logger.logLevel = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        let responder: MockResponder
        do {
            responder = MockResponder(spec: try OpenAPISpec(path: path))
        } catch {
            FileHandle.standardError.write(Data("hpc-obs-mockserver: \(error)\n".utf8))
            throw ExitCode(78)
        }
        logger.info("serving the API from its spec", metadata: ["spec": "\(path)", "operations": "\(responder.spec.operations.count)"])
        let application = Application(
            responder: CallbackResponder { (request: Request, _: BasicRequestContext) in
                var headers: [String: String] = [:]
                for field in request.headers { headers[field.name.canonicalName] = field.value }
                var query: [String: String] = [:]
                for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
                let reply: MockResponder.Reply
                if let body = try? await request.body.collect(upTo: MockResponder.maxBodyBytes) {
                    reply = responder.respond(
                        to: MockResponder.Request(
                            method: request.method.rawValue,
                            path: request.uri.path,
                            query: query,
                            headers: headers,
                            body: Array(buffer: body)
                        )
                    )
                } else {
                    reply = responder.payloadTooLarge()
                }
                var fields = HTTPFields()
                for (name, value) in reply.headers {
                    if let field = HTTPField.Name(name) { fields[field] = value }
                }
                return Response(
                    status: HTTPResponse.Status(code: reply.status),
                    headers: fields,
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body))
                )
            },
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "hpc-obs-mockserver"),
            logger: logger
        )
        try await application.runService()
    }
}
