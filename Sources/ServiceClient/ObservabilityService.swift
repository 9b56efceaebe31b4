import AsyncHTTPClient
public import Foundation
import HTTPTypes
import LocalFiles
import NIOCore
import NIOPosix
import NIOSSL
public import ObservabilityAPI
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import Synchronization

/// The service's `/v1` API through the client generated from `openapi.yaml`: one call per
/// operation `hpc-obs` uses, each answer either the document or a `ServiceError` that says
/// what to do.
public struct ObservabilityService: Sendable {
    public let settings: ClientSettings
    /// Why no token is sent although one is configured (a file this user cannot read), so a
    /// refusal can say so.
    public let tokenProblem: String?
    /// Whether requests carry a bearer token.
    public var sendsToken: Bool { token != nil }

    private let client: Client
    private let token: String?
    private let serverDates: ServerDateRecorder

    /// Runs `body` with a service for `settings`, and closes its connections afterwards.
    /// Where `HPC_OBS_URL` lists several addresses, the next is tried when one cannot be
    /// reached: `hpc-obs` only reads, so running `body` again elsewhere is safe.
    ///
    /// - Parameter timeout: for each request, connecting included.
    public static func with<Result: Sendable>(
        _ settings: ClientSettings,
        timeout: Duration = .seconds(10),
        _ body: (ObservabilityService) async throws -> Result
    ) async throws -> Result {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile { tls.trustRoots = .file(caFile) }
        let milliseconds = Int64(timeout.components.seconds) * 1_000 + timeout.components.attoseconds / 1_000_000_000_000_000
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .milliseconds(milliseconds), read: .milliseconds(milliseconds))
        )
        // A refused connection is an answer: say so at once rather than retry until the timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        let httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let outcome: Swift.Result<Result, any Error>
        do {
            outcome = .success(
                try await firstReachable(settings.urls) { url in
                    let one = ClientSettings(url: url, tokenFile: settings.tokenFile, caFile: settings.caFile)
                    return try await body(ObservabilityService(settings: one, httpClient: httpClient, timeout: .milliseconds(milliseconds)))
                }
            )
        } catch {
            outcome = .failure(error)
        }
        try? await httpClient.shutdown()
        return try outcome.get()
    }

    /// `attempt` at each URL in turn until one is reached; all unreachable is one error
    /// that names each.
    static func firstReachable<Result>(_ urls: [String], _ attempt: (String) async throws -> Result) async throws -> Result {
        var unreachable: [String] = []
        for url in urls {
            do {
                return try await attempt(url)
            } catch ServiceError.unreachable(_, let reason) {
                unreachable.append(urls.count == 1 ? reason : "\(url): \(reason)")
            }
        }
        throw ServiceError.unreachable(url: urls.joined(separator: ","), reason: unreachable.joined(separator: "; "))
    }

    private init(settings: ClientSettings, httpClient: HTTPClient, timeout: TimeAmount) {
        self.settings = settings
        var token: String?
        var tokenProblem: String?
        if let tokenFile = settings.tokenFile {
            token = FileBytes.token(at: tokenFile)
            if token == nil {
                tokenProblem = "HPC_OBS_TOKEN_FILE=\(tokenFile) cannot be read by this user or holds no token: ask an admin for a readable copy"
            }
        } else {
            tokenProblem = "no token is configured: set HPC_OBS_TOKEN_FILE to a file holding the service's API token"
        }
        self.token = token
        self.tokenProblem = tokenProblem
        serverDates = ServerDateRecorder()
        var middlewares: [any ClientMiddleware] = [serverDates, ProblemAnswers(tokenProblem: tokenProblem)]
        if let token { middlewares.append(BearerToken(token: token)) }
        client = Client(
            // Checked by ClientSettings: a URL with a scheme and a host.
            serverURL: URL(string: settings.url)!,
            configuration: APIConfiguration.runtime,
            transport: AsyncHTTPClientTransport(configuration: .init(client: httpClient, timeout: timeout)),
            middlewares: middlewares
        )
    }

    /// The `Date` of the service's last answer: how far its clock is from this host's.
    public var lastServerDate: Date? { serverDates.last }

    public func health() async throws(ServiceError) -> Components.Schemas.Health {
        // 503 carries the health document too: the store is down, the service is not.
        switch try await call({ try await client.getHealth() }) {
        case .ok(let ok): return try decoded { try ok.body.json }
        case .serviceUnavailable(let answer): return try decoded { try answer.body.json }
        case .undocumented(let status, _): throw .failed(status: status, detail: "an answer this client does not know")
        }
    }

    /// - Parameter cluster: where several clusters share the service and more than one has a job `id`.
    public func job(id: String, cluster: String? = nil) async throws(ServiceError) -> Components.Schemas.Job {
        let output = try await call { try await client.getJob(path: .init(jobId: id), query: .init(cluster: cluster)) }
        return try decoded { try output.ok.body.json }
    }

    public func jobs(_ query: Operations.ListJobs.Input.Query) async throws(ServiceError) -> Components.Schemas.JobList {
        let output = try await call { try await client.listJobs(query: query) }
        return try decoded { try output.ok.body.json }
    }

    public func metrics(jobID: String, cluster: String? = nil, step: Int?, limit: Int?) async throws(ServiceError) -> Components.Schemas.MetricList {
        let output = try await call {
            try await client.getJobMetrics(path: .init(jobId: jobID), query: .init(cluster: cluster, limit: limit, step: step))
        }
        return try decoded { try output.ok.body.json }
    }

    public func stats(_ query: Operations.GetStats.Input.Query) async throws(ServiceError) -> Components.Schemas.Stats {
        let output = try await call { try await client.getStats(query: query) }
        return try decoded { try output.ok.body.json }
    }

    /// Whether the service takes this host's token for writes, without writing: an empty
    /// batch of events, which the service refuses as malformed once the token has passed.
    public func writeTokenAccepted() async throws(ServiceError) -> Bool {
        do {
            _ = try await call { try await client.postEvents(body: .json(.case2([]))) }
            return true
        } catch .badRequest {
            return true
        } catch .refused {
            return false
        }
    }

    /// Runs one operation; every error answer has become a `ServiceError` in
    /// `ProblemAnswers` by then, so what comes back is the operation's success.
    private func call<Output>(_ operation: () async throws -> Output) async throws(ServiceError) -> Output {
        do {
            return try await operation()
        } catch let error as ClientError {
            if let answer = error.underlyingError as? ServiceError { throw answer }
            if let decoding = error.underlyingError as? DecodingError {
                throw .unreadableAnswer(reason: "\(decoding)".prefix(300).description)
            }
            throw .unreachable(url: settings.url, reason: Self.reason(error.underlyingError))
        } catch {
            throw .unreachable(url: settings.url, reason: Self.reason(error))
        }
    }

    private func decoded<Value>(_ body: () throws -> Value) throws(ServiceError) -> Value {
        do { return try body() } catch { throw .unreadableAnswer(reason: "\(error)".prefix(300).description) }
    }

    /// The words of a connection error, not its Swift spelling.
    static func reason(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return "no connection within the timeout"
            case .readTimeout, .deadlineExceeded: return "no answer within the timeout"
            case .remoteConnectionClosed: return "the connection was closed"
            default: break
            }
        }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        if let connection = error as? NIOConnectionError, let first = connection.connectionErrors.first {
            return reason(first.error)
        }
        if let tls = error as? NIOSSLError { return "TLS: \(tls)" }
        let text = String(describing: error)
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}

/// Turns every error answer (4xx, 5xx) into the `ServiceError` that says what to do, with
/// the detail of its problem document: one place for what each operation would otherwise
/// spell out case by case. The health check's 503 is its own document and passes.
struct ProblemAnswers: ClientMiddleware {
    let tokenProblem: String?

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        let status = response.status.code
        guard status >= 400, !(operationID == "getHealth" && status == 503) else { return (response, responseBody) }
        var detail = "HTTP \(status)"
        if let responseBody, let bytes = try? await Data(collecting: responseBody, upTo: 64 * 1_024),
            let problem = try? JSONDecoder().decode(Components.Schemas.Problem.self, from: bytes)
        {
            detail = problem.detail
        }
        switch status {
        case 401, 403: throw ServiceError.refused(detail: detail, tokenProblem: tokenProblem)
        case 404: throw ServiceError.notFound(detail: detail)
        case 400, 422: throw ServiceError.badRequest(detail: detail)
        default: throw ServiceError.failed(status: status, detail: detail)
        }
    }
}

/// Adds `Authorization: Bearer <token>` to every request.
struct BearerToken: ClientMiddleware {
    let token: String

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        return try await next(request, body, baseURL)
    }
}

/// Keeps the `Date` header of the last answer, for the doctor's clock check.
final class ServerDateRecorder: ClientMiddleware {
    private let date = Mutex<Date?>(nil)

    var last: Date? { date.withLock { $0 } }

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        if let text = response.headerFields[.date], let parsed = Self.httpDate(text) {
            date.withLock { $0 = parsed }
        }
        return (response, responseBody)
    }

    /// RFC 9110's IMF-fixdate: `Wed, 02 Dec 2026 12:00:00 GMT`.
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
    }
}
