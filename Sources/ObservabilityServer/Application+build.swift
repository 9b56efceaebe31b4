public import Hummingbird
public import Logging
public import ObservabilityCore

/// Builds the HTTP application the binary runs, apart from `main` so tests run the same one.
///
/// The store is opened by the caller, which also closes it after the application returns:
/// in-flight requests finish before the store goes away.
public func buildApplication(
    configuration: ServerConfiguration,
    store: any JobStore,
    logger: Logger
) -> some ApplicationProtocol {
    var application = Application(
        router: buildRouter(store: store),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "hpc-obs/\(ServiceVersion.current)"
        ),
        logger: logger
    )
    application.addServices(RetentionService(store: store, retentionDays: configuration.retentionDays, logger: logger))
    return application
}

/// The routes, without a listening socket.
public func buildRouter(store: any JobStore) -> Router<BasicRequestContext> {
    let router = Router()
    HealthController(store: store).register(on: router.group("v1"))
    return router
}
