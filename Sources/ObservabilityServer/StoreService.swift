public import ObservabilityCore
public import ServiceLifecycle

/// Closes the store when the service group shuts down, after everything that uses it.
///
/// A service group shuts its services down in the reverse order of their listing, and this
/// one is listed first: the HTTP server has answered its last request, and the poller,
/// collector, spool replay and retention have finished their cycles, before the store goes.
public struct StoreService: Service {
    public let store: any JobStore

    public init(store: any JobStore) {
        self.store = store
    }

    public func run() async throws {
        // Cancellation (another service failed) closes it too.
        try? await gracefulShutdown()
        await store.close()
    }
}
