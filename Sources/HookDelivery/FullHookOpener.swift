import CurlTransport
import EventTransport
import Logging
import ObservabilityCore
public import SchedulerHooks
import StorageBackends

/// Everything a hook can reach: plain http, https through libcurl, and the store itself.
public struct FullHookOpener: HookDeliveryOpener {
    public init() {}

    public func open(_ destination: HookSettings.Destination, token: String?) async -> HookDeliveryOpening {
        switch destination {
        case .service(let url, _, let caFile):
            guard let client = CurlClient.forURLs(url, token: token, caFile: caFile) else {
                return .unavailable("HPC_OBS_URL='\(url)' is not an http:// or https:// URL, or a comma-separated list of them")
            }
            return .ready(HTTPEventDelivery(client: client), close: nil)
        case .store(let configuration):
            var logger = Logger(label: "hpc-obs-hook")
            logger.logLevel = .critical
            do {
                let store = try await JobStoreFactory.open(configuration, postgresPoolSize: 1, logger: logger)
                return .ready(StoreEventDelivery(store: store), close: { await store.close() })
            } catch {
                return .unavailable("cannot open the store \(configuration.redactedDescription): \(error)")
            }
        case .spoolOnly:
            return .unavailable("no destination configured")
        }
    }
}
