import EventTransport
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import LocalFiles
public import Logging
public import MetricsExposition
import NodeAgent
import ObservabilityAPI
public import ObservabilityCore
import OpenAPIHummingbird
import PBSPolling
import SlurmBridge
public import SlurmPolling
import StorageBackends
public import WebPages

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Builds the HTTP application the binary runs, apart from `main` so tests run the same one.
///
/// The application owns the store from here: ``StoreService``, its first service, closes it
/// after the last request and the last background cycle. With `seedDemo` the demo cluster
/// is written before the server starts listening.
public func buildApplication(
    configuration: ServerConfiguration,
    store: any JobStore,
    logger: Logger
) throws -> some ApplicationProtocol {
    let serviceMetrics = ServiceMetrics()
    let pollerRole = configuration.slurmPollSeconds > 0 ? PollerRoleBoard() : nil
    let certificate = try configuration.tls.map { files throws(ConfigurationError) in try ServerCertificate(files: files) }
    let connections = connectionLimit(configuration.http, logger: logger)
    var application = Application(
        router: try buildRouter(
            store: store,
            auth: configuration.auth,
            jobMetrics: configuration.jobMetrics,
            verdicts: configuration.verdicts,
            serviceMetrics: serviceMetrics,
            libraries: ScriptLibraries(root: configuration.javascriptDirectory),
            pollerRole: pollerRole,
            logger: logger
        ),
        server: try serverBuilder(certificate: certificate, limits: configuration.http, metrics: serviceMetrics),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "hpc-obs/\(ServiceVersion.current)",
            availableConnectionsDelegate: .maximum(connections, logger: logger)
        ),
        logger: logger
    )
    application.addServices(StoreService(store: store))
    if configuration.seedDemo {
        application.beforeServerStarts {
            let seeded = try await DemoData.seed(into: store, now: Date())
            logger.info("demo data", metadata: ["jobsCreated": "\(seeded)"])
        }
    }
    if let certificate {
        application.addServices(CertificateReloadService(certificate: certificate, logger: logger))
    }
    application.addServices(RetentionService(store: store, retentionDays: configuration.retentionDays, logger: logger))
    application.addServices(JobStateCountFolding(store: store, logger: logger))
    application.addServices(
        SpoolReplayService(
            spool: EventSpool(directory: configuration.spoolDirectory, trustedOwners: SpoolOwners.trustedByService()),
            store: store,
            metricsFactory: serviceMetrics.registry,
            logger: logger
        )
    )
    let slurm = SlurmSession(configPath: configuration.slurmConfigPath)
    if configuration.collectorEnabled {
        application.addServices(
            CollectorService(
                sink: StoreCollectorSink(store: store, cluster: configuration.clusterName),
                processes: SlurmStepProcesses(slurm: slurm),
                allocations: SlurmJobAllocations(slurm: slurm),
                node: configuration.nodeName ?? (HostName.short() ?? "localhost"),
                interval: .seconds(configuration.collectSeconds),
                metricsFactory: serviceMetrics.registry,
                logger: logger
            )
        )
    }
    if let pollerRole {
        let database = configuration.database
        let slurmConf = configuration.slurmConfigPath
        application.addServices(
            SlurmPoller(
                store: store,
                interval: .seconds(configuration.slurmPollSeconds),
                source: slurm,
                // Replicas on one PostgreSQL poll one at a time, per cluster.
                leadership: { cluster in JobStoreFactory.pollerLeadership(database, name: "slurm-poller:\(cluster ?? slurmConf)") },
                role: pollerRole,
                metricsFactory: serviceMetrics.registry,
                logger: logger
            )
        )
    }
    if let qstat = pbsQstat(configuration, logger: logger) {
        let database = configuration.database
        application.addServices(
            PBSPoller(
                store: store,
                interval: .seconds(qstat.seconds),
                source: QstatCommand(executable: qstat.path, timeout: .seconds(min(60, max(10, qstat.seconds * 2)))),
                cluster: configuration.clusterName,
                leadership: JobStoreFactory.pollerLeadership(database, name: "pbs-poller:\(configuration.clusterName ?? qstat.path)"),
                metricsFactory: serviceMetrics.registry,
                logger: logger
            )
        )
    }
    return application
}

/// The qstat the PBS poller runs and how often, or nil when it is off: `PBS_POLL_INTERVAL`
/// 0, or unset where no qstat is found. Set, it runs even where none is found yet, failing
/// with back-off (and saying so) until PBS's client tools are installed.
private func pbsQstat(_ configuration: ServerConfiguration, logger: Logger) -> (path: String, seconds: Int)? {
    var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
    environment["PBS_CONF_FILE"] = configuration.pbsConfigFile
    let found = QstatCommand.find(environment: environment)
    switch (configuration.pbsPollSeconds, found) {
    case (0, _), (nil, nil):
        return nil
    case (nil, let path?):
        return (path, 30)
    case (let seconds?, let path):
        if path == nil {
            logger.warning(
                "PBS_POLL_INTERVAL is set but no qstat was found: set PBS_EXEC in pbs.conf (PBS_CONF_FILE) or put qstat on PATH",
                metadata: ["pbsConf": "\(configuration.pbsConfigFile ?? QstatCommand.defaultConfigFile)"]
            )
        }
        return (path ?? "qstat", seconds)
    }
}

/// HTTP/1.1 with deadlines for each request's head and body, over TLS when the configuration
/// names a certificate.
func serverBuilder(certificate: ServerCertificate?, limits: ServerConfiguration.HTTPLimits, metrics: ServiceMetrics) throws -> HTTPServerBuilder {
    let closed = metrics.connectionsTimedOut
    let http = HTTPServerBuilder.http1(
        configuration: .init(additionalChannelHandlers: [
            RequestDeadlineHandler(
                headTimeout: .seconds(Int64(limits.idleTimeoutSeconds)),
                bodyTimeout: .seconds(Int64(limits.bodyTimeoutSeconds)),
                closed: closed
            )
        ])
    )
    guard let certificate else { return http }
    return try .tls(http, tlsConfiguration: certificate.tlsConfiguration)
}

/// `HTTP_MAX_CONNECTIONS`, within the open-file limit (raised to its hard maximum first).
func connectionLimit(_ limits: ServerConfiguration.HTTPLimits, logger: Logger) -> Int {
    let allowed = DescriptorLimit.connectionsAllowed(wanted: limits.maxConnections)
    if allowed < limits.maxConnections {
        logger.warning(
            "fewer connections than HTTP_MAX_CONNECTIONS: the open-file limit is lower (LimitNOFILE in the unit)",
            metadata: [
                "wanted": "\(limits.maxConnections)", "allowed": "\(allowed)",
            ]
        )
    }
    return allowed
}

/// The routes and middleware, without a listening socket.
///
/// Middleware order, outermost first: request timing, problem rendering (so every error below answers as
/// problem+json), 405 for known paths, authentication, then the body guard (415 and 413)
/// before any decoding.
public func buildRouter(
    store: any JobStore,
    auth: AuthConfiguration = AuthConfiguration(),
    jobMetrics: JobMetricsConfiguration = JobMetricsConfiguration(),
    verdicts: JobVerdicts.Thresholds = JobVerdicts.Thresholds(),
    serviceMetrics: ServiceMetrics = ServiceMetrics(),
    libraries: ScriptLibraries = ScriptLibraries(),
    pollerRole: PollerRoleBoard? = nil,
    logger: Logger = Logger(label: "hpc-obs-server")
) throws -> Router<BasicRequestContext> {
    let store = InstrumentedJobStore(base: store, metrics: serviceMetrics)
    let handler = ObservabilityAPIHandler(
        store: store,
        metrics: serviceMetrics,
        logger: logger,
        verdicts: verdicts,
        readsRequireToken: auth.readsRequireToken && auth.token != nil,
        pollerRole: pollerRole
    )
    let recorder = RouteTableRecorder()
    try handler.registerHandlers(on: recorder)
    var routes = recorder.table
    routes.add(method: .get, path: "/metrics")
    for path in WebController.paths { routes.add(method: .get, path: path) }
    let router = Router()
    // Middleware applies to the routes added after it.
    router.add(middleware: RequestMetricsMiddleware(metrics: serviceMetrics))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: MethodNotAllowedMiddleware(routes: routes))
    router.add(middleware: AuthMiddleware(configuration: auth))
    router.add(middleware: RequestBodyMiddleware())
    router.add(middleware: LocationHeaderMiddleware())
    try handler.registerHandlers(
        on: RoutesServedByHand(
            router: router,
            skipped: [
                RoutesServedByHand.key(JobListRoute.method, JobListRoute.path),
                RoutesServedByHand.key(JobMetricsRoute.method, JobMetricsRoute.path),
            ]
        ),
        configuration: APIConfiguration.runtime
    )
    JobListRoute(handler: handler).register(on: router)
    JobMetricsRoute(handler: handler).register(on: router)
    MetricsController(store: store, configuration: jobMetrics, serviceMetrics: serviceMetrics, pollerRole: pollerRole).register(on: router)
    WebController(libraries: libraries).register(on: router)
    return router
}
