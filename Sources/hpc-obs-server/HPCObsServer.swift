import ArgumentParser
import Foundation
import Logging
import ObservabilityCore
import ObservabilityServer

/// `hpc-obs-server`: reads its configuration from the environment, then runs the server.
@main
struct HPCObsServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hpc-obs-server",
        abstract: "Records HPC job lifecycles and resource use; serves them as a REST API and Prometheus metrics.",
        discussion: """
            Configuration comes from the environment: HOST (0.0.0.0), PORT (8080), DATABASE_TYPE \
            (sqlite or postgres), DATABASE_URL (./hpc-jobs.db), METRICS_RETENTION_DAYS (7), \
            DATABASE_POOL_SIZE (4), LOG_LEVEL (info), API_TOKEN or API_TOKEN_FILE (writes need \
            this bearer token), API_READ_TOKEN_REQUIRED (false), SLURM_POLL_INTERVAL (30), \
            SLURM_CONF, PBS_POLL_INTERVAL (30 where qstat is found), PBS_CONF_FILE (/etc/pbs.conf), CLUSTER_NAME, HPC_OBS_SPOOL_DIR, JAVASCRIPT_DIR (/usr/share/javascript), COLLECTOR_ENABLED (false), COLLECT_INTERVAL (30), \
            NODE_NAME, and for --collector-only HPC_OBS_URL, HPC_OBS_TOKEN_FILE and \
            COLLECTOR_BUFFER_SAMPLES (100000). See the README.
            """,
        version: ServiceVersion.current
    )

    @Flag(help: "Fill the store with a demo cluster at start (idempotent: existing demo jobs stay as they are).")
    var seedDemo = false

    @Flag(
        help: """
            Run as a node agent: sample the jobs on this node and send them to the service at \
            HPC_OBS_URL (token from HPC_OBS_TOKEN_FILE), buffering while it is unreachable. No database.
            """
    )
    var collectorOnly = false

    func run() async throws {
        var configuration: ServerConfiguration
        do {
            configuration = try await ServerConfiguration.load(environment: ProcessInfo.processInfo.environment)
            configuration.seedDemo = seedDemo
        } catch {
            FileHandle.standardError.write(Data("hpc-obs-server: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG, as sysexits.h has it: systemd shows it as a configuration error
        }
        let logLevel = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "hpc-obs-server")
        do {
            if collectorOnly {
                try await runCollectorAgent(configuration: configuration, logger: logger)
            } else {
                try await runServer(configuration: configuration, logger: logger)
            }
        } catch let error as ConfigurationError {
            logger.critical("hpc-obs-server: \(error)")
            throw ExitCode(78)
        } catch {
            logger.critical("hpc-obs-server failed", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}
