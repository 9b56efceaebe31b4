import Hummingbird

/// The body of `GET /v1/health`: whether the service can do its job right now.
struct HealthResponse: ResponseCodable, Sendable, Equatable {
    /// `ok` when the store answers, `unavailable` when it does not.
    var status: String
    var version: String
    /// `reachable` or `unreachable`.
    var store: String
    /// Why the store is unreachable, when it is.
    var detail: String?
}
