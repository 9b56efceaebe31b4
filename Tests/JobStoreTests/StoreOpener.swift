import ObservabilityCore
import StorageBackends
import TestSupport

/// Opens a store the way the service does, through the factory.
enum StoreOpener {
    static func open(_ configuration: DatabaseConfiguration) async throws -> any JobStore {
        try await JobStoreFactory.open(configuration, logger: TestBackend.logger)
    }
}
