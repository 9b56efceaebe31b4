public import EventTransport

/// How a hook executable reaches the destination its settings name.
///
/// `hpc-obs-prolog` and `hpc-obs-epilog` open only what is quick to start (``PlainHTTPOpener``:
/// plain http); for https and for the store they hand the run over to `hpc-obs-hook`, which
/// links libcurl and the storage backends.
public protocol HookDeliveryOpener: Sendable {
    func open(_ destination: HookSettings.Destination, token: String?) async -> HookDeliveryOpening
}

public enum HookDeliveryOpening: Sendable {
    /// Deliver through this; `close` runs after the last delivery.
    case ready(any EventDelivery, close: (@Sendable () async -> Void)?)
    /// This executable cannot reach the destination: run `hpc-obs-hook` instead.
    case handOff
    /// Nothing can be reached; the reason is logged and the event spooled.
    case unavailable(String)
}

/// What the small hook executables can do themselves: plain http.
public struct PlainHTTPOpener: HookDeliveryOpener {
    public init() {}

    public func open(_ destination: HookSettings.Destination, token: String?) async -> HookDeliveryOpening {
        switch destination {
        case .service(let url, _, _):
            if let client = PlainHTTPClient.forURLs(url, token: token) { return .ready(HTTPEventDelivery(client: client), close: nil) }
            if ServiceURLs.split(url).contains(where: { $0.lowercased().hasPrefix("https://") }) { return .handOff }
            return .unavailable("HPC_OBS_URL='\(url)' is not an http:// or https:// URL, or a comma-separated list of them")
        case .store:
            return .handOff
        case .spoolOnly:
            return .unavailable("no destination configured")
        }
    }
}
