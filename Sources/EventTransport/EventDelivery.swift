/// Where events go when they leave a hook or the spool: the service over HTTP, or the store.
public protocol EventDelivery: Sendable {
    /// Delivers the events (each a JSON body as ``EventWireFormat`` writes it) as one batch,
    /// all or none, within `timeoutSeconds`.
    func deliver(_ bodies: [[UInt8]], timeoutSeconds: Double) async throws(DeliveryError)
}

/// Why a batch was not delivered, and whether trying again later can help.
public enum DeliveryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The service or store is down, slow, overloaded or misconfigured (wrong token): keep
    /// the events and try again.
    case retryable(String)
    /// The events themselves were refused (invalid): trying again cannot help.
    case rejected(String)

    public var description: String {
        switch self {
        case .retryable(let reason): reason
        case .rejected(let reason): "refused: \(reason)"
        }
    }
}

extension DeliveryError {
    /// Sorts an HTTP answer: 2xx delivered; 400, 413, 415 and 422 refuse the events for good,
    /// and so does 409 (an event without a cluster for a job id that several clusters have,
    /// which no retry can place); anything else (401/403 a wrong token, 404 a wrong URL, 408,
    /// 429, 5xx) is fixed by an admin or by time, so the events wait in the spool until then.
    public static func check(status: Int, url: String, response: String) throws(DeliveryError) {
        switch status {
        case 200..<300: return
        case 400, 409, 413, 415, 422: throw .rejected("\(url) answered \(status): \(response)")
        default: throw .retryable("\(url) answered \(status): \(response)")
        }
    }
}
