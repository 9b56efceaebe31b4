public import Configuration
public import EventTransport
import Foundation
public import Logging
public import MetricsExposition
public import ObservabilityCore
public import SlurmBridge
import SystemPackage
public import WebPages

/// Everything `hpc-obs-server` reads from its environment and settings file, validated once
/// at start-up.
///
/// Variable names are the reference service's (`PORT`, `HOST`, `DATABASE_TYPE`, `DATABASE_URL`,
/// `METRICS_RETENTION_DAYS`) plus our own; a bad value stops the server with a message naming
/// the variable and what it accepts. Values come through swift-configuration: the environment
/// over the settings file (``load(environment:)``), with the secrets marked so.
public struct ServerConfiguration: Sendable, Hashable {
    /// Address to listen on. Defaults to `0.0.0.0`.
    public var host: String
    /// TCP port. Defaults to `8080`.
    public var port: Int
    public var database: DatabaseConfiguration
    /// Days of samples kept; older ones are deleted hourly. Defaults to `7`.
    public var retentionDays: Int
    /// PostgreSQL connections at most (`DATABASE_POOL_SIZE`). Defaults to `4`.
    public var postgresPoolSize: Int
    /// `LOG_LEVEL`: trace, debug, info, notice, warning, error or critical. Defaults to `info`.
    public var logLevel: Logger.Level
    public var auth: AuthConfiguration
    /// `METRICS_JOB_LABELS` (comma-separated; default all) and `METRICS_MAX_JOB_SERIES`
    /// (default 100,000) shape the per-job series on `/metrics`.
    public var jobMetrics: JobMetricsConfiguration
    /// `--seed-demo`: fill the store with a demo cluster at start. Not read from the environment.
    public var seedDemo: Bool
    /// `SLURM_POLL_INTERVAL`: seconds between reads of slurmctld's jobs; 0 turns the poller
    /// off. Defaults to `30`.
    public var slurmPollSeconds: Int
    /// `SLURM_CONF`: the slurm.conf libslurm reads. Defaults to `/etc/slurm/slurm.conf`.
    public var slurmConfigPath: String
    /// `PBS_POLL_INTERVAL`: seconds between qstat runs; 0 turns the PBS poller off. Nil
    /// (unset) is 30 where PBS's `qstat` is found, else off.
    public var pbsPollSeconds: Int?
    /// `PBS_CONF_FILE`: the pbs.conf whose `PBS_EXEC` says where qstat is. Defaults to
    /// `/etc/pbs.conf`.
    public var pbsConfigFile: String?
    /// `CLUSTER_NAME`: this host's cluster, as the hooks' setting of the same name: the PBS
    /// poller's jobs belong to it (without it, each job's PBS server), and the collector names
    /// it with its samples, so that they reach the right job where several clusters share the
    /// service and their job ids meet.
    public var clusterName: String?
    /// `HPC_OBS_SPOOL_DIR`: where this host's hooks spool events; the server replays them.
    /// Defaults to `/var/spool/hpc-obs`.
    public var spoolDirectory: String
    /// `JAVASCRIPT_DIR`: where Debian's JavaScript libraries are (the pages' charts come from
    /// libjs-dygraphs there). Defaults to `/usr/share/javascript`.
    public var javascriptDirectory: String
    /// `COLLECTOR_ENABLED`: sample the jobs running on this host. Defaults to `false`.
    public var collectorEnabled: Bool
    /// `COLLECT_INTERVAL`: seconds between samples. Defaults to `30`.
    public var collectSeconds: Int
    /// `NODE_NAME`: this host's name in Slurm. Defaults to the short host name.
    public var nodeName: String?
    /// `HPC_OBS_URL`: the service a node agent (`--collector-only`) sends its samples to.
    public var serviceURL: String?
    /// `HPC_OBS_TOKEN_FILE`: the token a node agent sends, read at start.
    public var serviceToken: String?
    /// `COLLECTOR_BUFFER_SAMPLES`: samples a node agent keeps while the service is
    /// unreachable; older ones are dropped (and counted) beyond it. Defaults to `100000`.
    public var collectorBufferSamples: Int
    /// `TLS_CERT_FILE` and `TLS_KEY_FILE`: serve https with this certificate chain and key
    /// (PEM), read again on SIGHUP. Both or neither; plain http when neither.
    public var tls: TLSFiles?
    /// `HPC_OBS_CA_FILE`: the certificate authorities (PEM) a node agent verifies an https
    /// service against; the system's store when unset.
    public var serviceCAFile: String?
    /// How long a connection may take to send a request, and how many may be open.
    public var http: HTTPLimits
    /// `VERDICT_*`: where a job's use of what it asked for earns a note in its summary.
    public var verdicts: JobVerdicts.Thresholds

    /// Bounds on what one client can hold of the server.
    public struct HTTPLimits: Sendable, Hashable {
        /// `HTTP_IDLE_TIMEOUT`: seconds a connection may go without a complete request head,
        /// from its start or its last response: idle keep-alive and slow headers alike.
        /// Defaults to `30`.
        public var idleTimeoutSeconds: Int
        /// `HTTP_BODY_TIMEOUT`: seconds from a request's head to the end of its body. Defaults
        /// to `30`.
        public var bodyTimeoutSeconds: Int
        /// `HTTP_MAX_CONNECTIONS`: open connections at most; past it, new ones wait in the
        /// kernel's queue. Defaults to `10000`, lowered to what the descriptor limit allows.
        public var maxConnections: Int

        public init(idleTimeoutSeconds: Int = 30, bodyTimeoutSeconds: Int = 30, maxConnections: Int = 10_000) {
            self.idleTimeoutSeconds = idleTimeoutSeconds
            self.bodyTimeoutSeconds = bodyTimeoutSeconds
            self.maxConnections = maxConnections
        }
    }

    /// Where the server's certificate chain and private key are.
    public struct TLSFiles: Sendable, Hashable {
        public var certificateFile: String
        public var keyFile: String

        public init(certificateFile: String, keyFile: String) {
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    public init(
        host: String = "0.0.0.0",
        port: Int = 8080,
        database: DatabaseConfiguration = .sqlite(path: DatabaseConfiguration.defaultSQLitePath),
        retentionDays: Int = 7,
        postgresPoolSize: Int = 4,
        logLevel: Logger.Level = .info,
        auth: AuthConfiguration = AuthConfiguration(),
        jobMetrics: JobMetricsConfiguration = JobMetricsConfiguration(),
        seedDemo: Bool = false,
        slurmPollSeconds: Int = 30,
        slurmConfigPath: String = SlurmController.defaultConfigPath,
        pbsPollSeconds: Int? = nil,
        pbsConfigFile: String? = nil,
        clusterName: String? = nil,
        spoolDirectory: String = EventSpool.defaultDirectory,
        javascriptDirectory: String = ScriptLibraries.defaultRoot,
        collectorEnabled: Bool = false,
        collectSeconds: Int = 30,
        nodeName: String? = nil,
        serviceURL: String? = nil,
        serviceToken: String? = nil,
        collectorBufferSamples: Int = 100_000,
        tls: TLSFiles? = nil,
        serviceCAFile: String? = nil,
        http: HTTPLimits = HTTPLimits(),
        verdicts: JobVerdicts.Thresholds = JobVerdicts.Thresholds()
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.retentionDays = retentionDays
        self.postgresPoolSize = postgresPoolSize
        self.logLevel = logLevel
        self.auth = auth
        self.jobMetrics = jobMetrics
        self.seedDemo = seedDemo
        self.slurmPollSeconds = slurmPollSeconds
        self.slurmConfigPath = slurmConfigPath
        self.pbsPollSeconds = pbsPollSeconds
        self.pbsConfigFile = pbsConfigFile
        self.clusterName = clusterName
        self.spoolDirectory = spoolDirectory
        self.javascriptDirectory = javascriptDirectory
        self.collectorEnabled = collectorEnabled
        self.collectSeconds = collectSeconds
        self.nodeName = nodeName
        self.serviceURL = serviceURL
        self.serviceToken = serviceToken
        self.collectorBufferSamples = collectorBufferSamples
        self.tls = tls
        self.serviceCAFile = serviceCAFile
        self.http = http
        self.verdicts = verdicts
    }

    /// Variables whose values are secrets (a token, a connection string with a password):
    /// swift-configuration redacts them wherever it reports what was read.
    static let secretVariables: Set<String> = ["API_TOKEN", "DATABASE_URL"]

    /// The environment over the settings file (`HPC_OBS_CONFIG`, else
    /// `/etc/hpc-obs/hpc-obs.conf` where it exists), and the token files from disk.
    public static func load(environment: [String: String]) async throws(ConfigurationError) -> ServerConfiguration {
        let named = environment[SettingsFile.pathVariable].flatMap { $0.isEmpty ? nil : $0 }
        let path = named ?? SettingsFile.defaultPath
        let file: EnvironmentVariablesProvider
        do {
            // Only the default may be missing: a file named on purpose must be there.
            file = try await EnvironmentVariablesProvider(
                environmentFilePath: FilePath(path),
                allowMissing: named == nil,
                secretsSpecifier: .specific(secretVariables)
            )
        } catch {
            throw ConfigurationError(variable: SettingsFile.pathVariable, value: path, accepted: "a readable file of KEY=VALUE lines (\(error))")
        }
        let reader = ConfigReader(providers: [
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(secretVariables)), file,
        ])
        return try ServerConfiguration(reader: reader) { path in try String(contentsOfFile: path, encoding: .utf8) }
    }

    /// The environment alone, and `API_TOKEN_FILE` from disk when it is set.
    public init(environment: [String: String]) throws(ConfigurationError) {
        try self.init(environment: environment) { path in try String(contentsOfFile: path, encoding: .utf8) }
    }

    /// - Parameter readFile: reads `API_TOKEN_FILE` and `HPC_OBS_TOKEN_FILE`; tests pass their own.
    public init(environment: [String: String], readFile: (String) throws -> String) throws(ConfigurationError) {
        let provider = EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(Self.secretVariables))
        try self.init(reader: ConfigReader(provider: provider), readFile: readFile)
    }

    /// Reads every setting by its variable's name (`DATABASE_POOL_SIZE` is the key
    /// `database.pool.size`), from whichever of `reader`'s providers has it first.
    public init(reader: ConfigReader, readFile: (String) throws -> String) throws(ConfigurationError) {
        func value(_ name: String) -> String? {
            let key = ConfigKey(name.lowercased().replacingOccurrences(of: "_", with: "."))
            return reader.string(forKey: key, isSecret: Self.secretVariables.contains(name)).flatMap { $0.isEmpty ? nil : $0 }
        }
        let environment = Dictionary(
            uniqueKeysWithValues: ["DATABASE_TYPE", "DATABASE_URL", "SQLITE_SYNCHRONOUS", "SLURM_CONF"].compactMap { name in
                value(name).map { (name, $0) }
            }
        )
        func boolean(_ name: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
            guard let text = value(name) else { return fallback }
            switch text.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: throw ConfigurationError(variable: name, value: text, accepted: "true or false")
            }
        }
        func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
            guard let text = value(name) else { return fallback }
            guard let number = Int(text), range.contains(number) else {
                throw ConfigurationError(variable: name, value: text, accepted: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        host = value("HOST") ?? "0.0.0.0"
        port = try integer("PORT", default: 8080, in: 1...65_535)
        database = try DatabaseConfiguration(environment: environment)
        retentionDays = try integer("METRICS_RETENTION_DAYS", default: 7, in: 1...36_500)
        postgresPoolSize = try integer("DATABASE_POOL_SIZE", default: 4, in: 1...100)
        if let level = value("LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError(
                    variable: "LOG_LEVEL",
                    value: level,
                    accepted: "one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            logLevel = parsed
        } else {
            logLevel = .info
        }
        seedDemo = false
        slurmPollSeconds = try integer("SLURM_POLL_INTERVAL", default: 30, in: 0...86_400)
        slurmConfigPath = SlurmController.configPath(environment: environment)
        pbsPollSeconds = value("PBS_POLL_INTERVAL") == nil ? nil : try integer("PBS_POLL_INTERVAL", default: 0, in: 0...86_400)
        pbsConfigFile = value("PBS_CONF_FILE")
        clusterName = value("CLUSTER_NAME")
        spoolDirectory = value("HPC_OBS_SPOOL_DIR") ?? EventSpool.defaultDirectory
        javascriptDirectory = value("JAVASCRIPT_DIR") ?? ScriptLibraries.defaultRoot
        collectorEnabled = try boolean("COLLECTOR_ENABLED", default: false)
        collectSeconds = try integer("COLLECT_INTERVAL", default: 30, in: 1...86_400)
        nodeName = value("NODE_NAME")
        serviceURL = value("HPC_OBS_URL")
        collectorBufferSamples = try integer("COLLECTOR_BUFFER_SAMPLES", default: 100_000, in: 1...10_000_000)
        serviceCAFile = value("HPC_OBS_CA_FILE")
        http = HTTPLimits(
            idleTimeoutSeconds: try integer("HTTP_IDLE_TIMEOUT", default: 30, in: 1...3_600),
            bodyTimeoutSeconds: try integer("HTTP_BODY_TIMEOUT", default: 30, in: 1...3_600),
            maxConnections: try integer("HTTP_MAX_CONNECTIONS", default: 10_000, in: 16...1_000_000)
        )
        let defaults = JobVerdicts.Thresholds()
        verdicts = JobVerdicts.Thresholds(
            cpuEfficiencyPercent: Double(try integer("VERDICT_CPU_PERCENT", default: Int(defaults.cpuEfficiencyPercent), in: 0...100)),
            minimumCPUs: try integer("VERDICT_MIN_CPUS", default: defaults.minimumCPUs, in: 1...1_000_000),
            memoryUsedPercent: Double(try integer("VERDICT_MEMORY_PERCENT", default: Int(defaults.memoryUsedPercent), in: 0...100)),
            minimumMemoryBytes: Int64(
                try integer(
                    "VERDICT_MIN_MEMORY_MB",
                    default: Int(defaults.minimumMemoryBytes / MemorySize.bytesPerMiB),
                    in: 0...Int(MemorySize.maxMiB)
                )
            ) * MemorySize.bytesPerMiB,
            gpuIdlePercent: Double(try integer("VERDICT_GPU_IDLE_PERCENT", default: Int(defaults.gpuIdlePercent), in: 0...100)),
            minimumSeconds: Double(try integer("VERDICT_MIN_RUNTIME", default: Int(defaults.minimumSeconds), in: 0...86_400 * 365))
        )
        switch (value("TLS_CERT_FILE"), value("TLS_KEY_FILE")) {
        case (nil, nil):
            tls = nil
        case (let certificate?, let key?):
            tls = TLSFiles(certificateFile: certificate, keyFile: key)
        case (nil, let key?):
            throw ConfigurationError(variable: "TLS_CERT_FILE", value: "", accepted: "the certificate chain (PEM) that goes with TLS_KEY_FILE=\(key)")
        case (let certificate?, nil):
            throw ConfigurationError(
                variable: "TLS_KEY_FILE",
                value: "",
                accepted: "the private key (PEM) that goes with TLS_CERT_FILE=\(certificate)"
            )
        }
        serviceToken = nil
        if let path = value("HPC_OBS_TOKEN_FILE") {
            let contents: String
            do {
                contents = try readFile(path)
            } catch {
                throw ConfigurationError(variable: "HPC_OBS_TOKEN_FILE", value: path, accepted: "a readable file holding the token (\(error))")
            }
            serviceToken = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var jobLabels = JobMetricsConfiguration.Label.allCases
        if let names = value("METRICS_JOB_LABELS") {
            jobLabels = []
            for name in names.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                guard let label = JobMetricsConfiguration.Label(rawValue: name) else {
                    throw ConfigurationError(
                        variable: "METRICS_JOB_LABELS",
                        value: names,
                        accepted:
                            "a comma-separated list of \(JobMetricsConfiguration.Label.allCases.map(\.rawValue).joined(separator: ", ")) (job_id is always kept)"
                    )
                }
                jobLabels.append(label)
            }
        }
        jobMetrics = JobMetricsConfiguration(
            labels: jobLabels,
            maxSeries: try integer("METRICS_MAX_JOB_SERIES", default: JobMetricsConfiguration.defaultMaxSeries, in: 0...10_000_000)
        )
        auth = AuthConfiguration()
        if let token = value("API_TOKEN") {
            auth.token = token
        } else if let path = value("API_TOKEN_FILE") {
            let contents: String
            do {
                contents = try readFile(path)
            } catch {
                throw ConfigurationError(variable: "API_TOKEN_FILE", value: path, accepted: "a readable file holding the token (\(error))")
            }
            let token = contents.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else {
                throw ConfigurationError(variable: "API_TOKEN_FILE", value: path, accepted: "a file holding a non-empty token")
            }
            auth.token = token
        }
        auth.readsRequireToken = try boolean("API_READ_TOKEN_REQUIRED", default: false)
        if let required = value("API_READ_TOKEN_REQUIRED") {
            if auth.readsRequireToken, auth.token == nil {
                throw ConfigurationError(
                    variable: "API_READ_TOKEN_REQUIRED",
                    value: required,
                    accepted: "true only together with API_TOKEN or API_TOKEN_FILE"
                )
            }
        }
    }
}
