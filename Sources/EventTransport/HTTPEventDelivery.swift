/// The service's answer to one request: its status and the first bytes of its body.
public struct HTTPAnswer: Sendable, Hashable {
    public var status: Int
    public var body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }
}

/// Sends requests to the service: ``PlainHTTPClient`` for http, libcurl for https.
public protocol HTTPPoster: Sendable {
    /// The service's URL, for messages.
    var baseURL: String { get }
    /// One request to `baseURL + path`, within `timeoutSeconds`. Throws only when no answer
    /// came (``DeliveryError/retryable(_:)``); every status is an answer.
    func send(_ method: String, _ path: String, body: [UInt8], timeoutSeconds: Double) async throws(DeliveryError) -> HTTPAnswer
}

/// `POST /v1/events` through an ``HTTPPoster``.
public struct HTTPEventDelivery: EventDelivery {
    public let client: any HTTPPoster

    public init(client: any HTTPPoster) {
        self.client = client
    }

    public func deliver(_ bodies: [[UInt8]], timeoutSeconds: Double) async throws(DeliveryError) {
        let body = bodies.count == 1 ? bodies[0] : EventWireFormat.batch(bodies)
        let answer = try await client.send("POST", "/v1/events", body: body, timeoutSeconds: timeoutSeconds)
        try DeliveryError.check(status: answer.status, url: client.baseURL + "/v1/events", response: answer.body)
    }
}
