public import Logging
import ObservabilityCore
import Foundation
import Hummingbird
import StorageBackends

/// Opens the store, serves until SIGTERM or SIGINT, and closes the store after the last
/// request has finished. What `hpc-obs-server` does after reading its configuration.
public func runServer(configuration: ServerConfiguration, logger: Logger) async throws {
    logger.info(
        "starting hpc-obs-server",
        metadata: ["version": "\(ServiceVersion.current)", "database": "\(configuration.database.redactedDescription)"]
    )
    if configuration.auth.token == nil {
        logger.warning("no API_TOKEN or API_TOKEN_FILE set: anyone who can reach this server can create, change and delete jobs")
    }
    let store = try await JobStoreFactory.open(configuration.database, postgresPoolSize: configuration.postgresPoolSize, logger: logger)
    do {
        if configuration.seedDemo {
            let seeded = try await DemoData.seed(into: store, now: Date())
            logger.info("demo data", metadata: ["jobsCreated": "\(seeded)"])
        }
        let application = try buildApplication(configuration: configuration, store: store, logger: logger)
        try await application.runService()
    } catch {
        await store.close()
        throw error
    }
    await store.close()
    logger.info("hpc-obs-server stopped")
}
