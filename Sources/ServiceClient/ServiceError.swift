/// What went wrong talking to the service, with what to do about it.
public enum ServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No answer: refused, timed out, TLS failed.
    case unreachable(url: String, reason: String)
    /// 401 or 403: no token, or one the service refused.
    case refused(detail: String, tokenProblem: String?)
    /// 404: the job is not in the service's store.
    case notFound(detail: String)
    /// 400 or 422: the service did not accept what we asked (a filter out of range).
    case badRequest(detail: String)
    /// 503, or any other error status.
    case failed(status: Int, detail: String)
    /// An answer we could not read: not the API this version speaks.
    case unreadableAnswer(reason: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason):
            "cannot reach the service at \(url) (\(reason)): check HPC_OBS_URL, or run `hpc-obs doctor`"
        case .refused(let detail, let tokenProblem):
            if let tokenProblem {
                "the service refused the request (\(detail)); \(tokenProblem)"
            } else {
                "the service refused the token (\(detail)): set HPC_OBS_TOKEN_FILE to a file holding the service's API token"
            }
        case .notFound(let detail):
            detail
        case .badRequest(let detail):
            "the service did not accept the request: \(detail)"
        case .failed(let status, let detail):
            "the service answered \(status): \(detail)"
        case .unreadableAnswer(let reason):
            "the service's answer could not be read (\(reason)): is it hpc-obs-server of the same version?"
        }
    }
}
