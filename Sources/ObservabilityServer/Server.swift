public import Logging
import ObservabilityCore
import Hummingbird
import StorageBackends

/// Opens the store, serves until SIGTERM or SIGINT, and closes the store after the last
/// request has finished. What `hpc-obs-server` does after reading its configuration.
public func runServer(configuration: ServerConfiguration, logger: Logger) async throws {
    logger.info(
        "starting hpc-obs-server",
        metadata: ["version": "\(ServiceVersion.current)", "database": "\(configuration.database.redactedDescription)"]
    )
    let store = try await JobStoreFactory.open(configuration.database, postgresPoolSize: configuration.postgresPoolSize, logger: logger)
    let application = buildApplication(configuration: configuration, store: store, logger: logger)
    do {
        try await application.runService()
    } catch {
        await store.close()
        throw error
    }
    await store.close()
    logger.info("hpc-obs-server stopped")
}
