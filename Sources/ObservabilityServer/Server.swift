import CurlTransport
import Hummingbird
import LocalFiles
public import Logging
import NodeAgent
import ObservabilityCore
import SlurmBridge
import StorageBackends

/// Opens the store and serves until SIGTERM or SIGINT; the application closes the store after
/// the last request has finished. What `hpc-obs-server` does after reading its configuration.
public func runServer(configuration: ServerConfiguration, logger: Logger) async throws {
    logger.info(
        "starting hpc-obs-server",
        metadata: ["version": "\(ServiceVersion.current)", "database": "\(configuration.database.redactedDescription)"]
    )
    if configuration.auth.token == nil {
        logger.warning("no API_TOKEN or API_TOKEN_FILE set: anyone who can reach this server can create, change and delete jobs")
    }
    let store = try await JobStoreFactory.open(configuration.database, postgresPoolSize: configuration.postgresPoolSize, logger: logger)
    let application = try await closing(store, ifThrows: { try buildApplication(configuration: configuration, store: store, logger: logger) })
    try await application.runService()
    logger.info("hpc-obs-server stopped")
}

/// `build()`'s result, or its error after closing `store`: until an application owns the
/// store, nothing else would close it.
private func closing<Built>(_ store: any JobStore, ifThrows build: () throws -> Built) async throws -> Built {
    do {
        return try build()
    } catch {
        await store.close()
        throw error
    }
}

/// `hpc-obs-server --collector-only`: the node agent. Samples the jobs on this node and sends
/// them to the service at `HPC_OBS_URL`; serves only its own `/metrics` (drops, buffer,
/// process) on `PORT`. Needs no database.
public func runCollectorAgent(configuration: ServerConfiguration, logger: Logger) async throws {
    guard let url = configuration.serviceURL,
        let client = CurlClient.forURLs(url, token: configuration.serviceToken, caFile: configuration.serviceCAFile)
    else {
        throw ConfigurationError(
            variable: "HPC_OBS_URL",
            value: configuration.serviceURL ?? "",
            accepted: "the service's http:// or https:// URL (or several, comma-separated), which --collector-only sends samples to"
        )
    }
    let node = configuration.nodeName ?? (HostName.short() ?? "localhost")
    logger.info("starting hpc-obs collector agent", metadata: ["version": "\(ServiceVersion.current)", "service": "\(url)", "node": "\(node)"])
    let serviceMetrics = ServiceMetrics()
    let router = Router()
    router.get("metrics") { request, _ in
        MetricsController.serviceOnly(request, registry: serviceMetrics.registry)
    }
    let certificate = try configuration.tls.map { files throws(ConfigurationError) in try ServerCertificate(files: files) }
    var application = Application(
        router: router,
        server: try serverBuilder(certificate: certificate, limits: configuration.http, metrics: serviceMetrics),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "hpc-obs-agent/\(ServiceVersion.current)",
            availableConnectionsDelegate: .maximum(connectionLimit(configuration.http, logger: logger), logger: logger)
        ),
        logger: logger
    )
    if let certificate {
        application.addServices(CertificateReloadService(certificate: certificate, logger: logger))
    }
    let interval = Duration.seconds(configuration.collectSeconds)
    let slurm = SlurmSession(configPath: configuration.slurmConfigPath)
    application.addServices(
        CollectorService(
            sink: HTTPCollectorSink(
                client: client,
                capacity: configuration.collectorBufferSamples,
                interval: interval,
                cluster: configuration.clusterName,
                logger: logger
            ),
            processes: SlurmStepProcesses(slurm: slurm),
            allocations: SlurmJobAllocations(slurm: slurm),
            node: node,
            interval: interval,
            metricsFactory: serviceMetrics.registry,
            logger: logger
        )
    )
    try await application.runService()
    logger.info("hpc-obs collector agent stopped")
}
