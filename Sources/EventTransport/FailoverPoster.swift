import LocalFiles

/// The service's addresses as `HPC_OBS_URL` lists them: one URL, or several separated by
/// commas (`http://obs1:8080,http://obs2:8080`) for replicas on one database.
public enum ServiceURLs {
    /// The URLs in their order, blanks around them and empty entries dropped.
    public static func split(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.map(String.init)
    }
}

/// Several addresses of one service, tried in order: the next when one gives no answer
/// (refused, unreachable, silent), all within the one deadline. An answer, whatever its
/// status, ends the round: a replica that answers 503 speaks for the shared database.
///
/// A request that reached a replica whose answer was lost may reach the next one too;
/// events carry their id, so the service counts such a second copy as a duplicate.
public struct FailoverPoster: HTTPPoster {
    public let posters: [any HTTPPoster]

    public var baseURL: String { posters.map(\.baseURL).joined(separator: ",") }

    /// Nil for no posters; one poster is better used alone.
    public init?(_ posters: [any HTTPPoster]) {
        guard !posters.isEmpty else { return nil }
        self.posters = posters
    }

    /// Each address gets an equal share of the time left, the last all of it: an address
    /// that hangs must not starve the ones after it, and a refusal costs next to nothing.
    public func send(_ method: String, _ path: String, body: [UInt8], timeoutSeconds: Double) async throws(DeliveryError) -> HTTPAnswer {
        let start = ContinuousClock.now
        var failures: [String] = []
        for (index, poster) in posters.enumerated() {
            let elapsed = start.duration(to: .now)
            let left = timeoutSeconds - Double(elapsed.components.seconds) - Double(elapsed.components.attoseconds) * 1e-18
            guard left > 0.001 else {
                failures.append("\(poster.baseURL): no time left")
                continue
            }
            let remaining = posters.count - index
            do {
                return try await poster.send(method, path, body: body, timeoutSeconds: remaining == 1 ? left : left / Double(remaining))
            } catch .retryable(let reason) {
                failures.append(reason)
            } catch {
                throw error
            }
        }
        throw .retryable(failures.joined(separator: "; "))
    }
}

extension PlainHTTPClient {
    /// Plain-http clients for every URL of `HPC_OBS_URL`, as one poster; nil when one of
    /// them is not an `http://` URL.
    public static func forURLs(_ text: String, token: String?) -> (any HTTPPoster)? {
        let clients = ServiceURLs.split(text).map { PlainHTTPClient(baseURL: $0, token: token) }
        guard !clients.isEmpty, clients.allSatisfy({ $0 != nil }) else { return nil }
        let posters: [any HTTPPoster] = clients.compactMap { $0 }
        return posters.count == 1 ? posters[0] : FailoverPoster(posters)
    }
}
