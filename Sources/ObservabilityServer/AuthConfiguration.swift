/// Who may write, and whether reading needs the token too.
///
/// From `API_TOKEN`, or `API_TOKEN_FILE` (a root-only file holding the token, so it never
/// shows in `ps` or a unit file), and `API_READ_TOKEN_REQUIRED`.
public struct AuthConfiguration: Sendable, Hashable {
    /// The bearer token writes need; nil leaves the API open (the server warns at start).
    public var token: String?
    /// Whether reads (GET) need the token too. Defaults to false.
    public var readsRequireToken: Bool

    public init(token: String? = nil, readsRequireToken: Bool = false) {
        self.token = token
        self.readsRequireToken = readsRequireToken
    }
}
