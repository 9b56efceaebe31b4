import Foundation
import Hummingbird
import HummingbirdTesting
import ObservabilityCore
import ObservabilityServer
import SQLJobStore
import TestSupport
import Testing
import WebPages

@Suite("Web pages")
struct WebPagesTests {
    /// A router whose chart library lives in a scratch folder: `installed` decides whether
    /// the folder holds dygraphs.
    func withPages(
        auth: AuthConfiguration = AuthConfiguration(),
        installed: Bool = true,
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hpc-obs-js-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        if installed {
            try FileManager.default.createDirectory(at: root.appendingPathComponent("dygraphs"), withIntermediateDirectories: true)
            try Data("var Dygraph = {};".utf8).write(to: root.appendingPathComponent("dygraphs/dygraph.min.js"))
            try Data("secret".utf8).write(to: root.appendingPathComponent("dygraphs/other.js"))
        }
        let store = try await TestBackend.sqlite.makeStore().store
        let router = try buildRouter(store: store, auth: auth, libraries: ScriptLibraries(root: root.path))
        try await Application(router: router).test(.router) { client in try await body(client) }
        await store.close()
    }

    @Test func everyPageIsTheDocumentWithAStrictPolicy() async throws {
        try await withPages { client in
            for path in ["/", "/jobs", "/jobs/4242", "/jobs/demo-1001?x=1"] {
                let page = try await client.send(.get, path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: page.body).contains("<script src=\"/ui/app.js\" defer></script>"))
                let policy = try #require(page.headers[.contentSecurityPolicy])
                #expect(policy.contains("script-src 'self'") && !policy.contains("script-src 'self' 'unsafe"))
                #expect(policy.contains("frame-ancestors 'none'"))
                #expect(page.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    @Test func filesRevalidateAndUnknownOnesAreProblems() async throws {
        try await withPages { client in
            let script = try await client.send(.get, "/ui/app.js")
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.headers[.cacheControl] == "no-cache")
            let tag = try #require(script.headers[.eTag])
            let again = try await client.send(.get, "/ui/app.js", headers: [.ifNoneMatch: "\"other\", \(tag)"])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            #expect(try await client.send(.get, "/ui/app.css").headers[.contentType] == "text/css; charset=utf-8")
            try await client.send(.get, "/ui/../../etc/passwd").expectProblem(.notFound)
            try await client.send(.get, "/ui/secret.js").expectProblem(.notFound)
            try await client.send(.post, "/jobs", json: "{}").expectProblem(.methodNotAllowed)
        }
    }

    @Test func theChartLibraryComesFromTheSystemAndOnlyItsNamedFiles() async throws {
        try await withPages { client in
            let library = try await client.send(.get, "/javascript/dygraphs/dygraph.min.js")
            #expect(library.status == .ok)
            #expect(String(buffer: library.body) == "var Dygraph = {};")
            // Present in the folder, but not a file the pages use.
            try await client.send(.get, "/javascript/dygraphs/other.js").expectProblem(.notFound)
            try await client.send(.get, "/javascript/dygraphs/..%2F..%2Fetc%2Fpasswd").expectProblem(.notFound)
        }
        try await withPages(installed: false) { client in
            let problem = try await client.send(.get, "/javascript/dygraphs/dygraph.min.js").expectProblem(.notFound)
            #expect((problem["detail"] as? String)?.contains("libjs-dygraphs") == true)
        }
    }

    /// The page asks for the token before reading; the document itself holds no data.
    @Test func pagesNeedNoTokenWhereReadsDoAndHealthSaysReadsDo() async throws {
        try await withPages(auth: AuthConfiguration(token: "s3cret", readsRequireToken: true)) { client in
            #expect(try await client.send(.get, "/").status == .ok)
            #expect(try await client.send(.get, "/jobs/7").status == .ok)
            #expect(try await client.send(.get, "/ui/app.js").status == .ok)
            #expect(try await client.send(.get, "/javascript/dygraphs/dygraph.min.js").status == .ok)
            #expect(try await client.send(.get, "/v1/health").json["readTokenRequired"] as? Bool == true)
            try await client.send(.get, "/v1/jobs").expectProblem(.unauthorized)
            try await client.send(.get, "/v1/stats").expectProblem(.unauthorized)
            try await client.send(.get, "/metrics").expectProblem(.unauthorized)
        }
        try await withPages { client in
            let health = try await client.send(.get, "/v1/health")
            #expect(health.json["readTokenRequired"] as? Bool == false)
        }
    }
}
