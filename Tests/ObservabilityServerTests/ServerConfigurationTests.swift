import Logging
import ObservabilityCore
import ObservabilityServer
import Testing

@Suite("Server configuration")
struct ServerConfigurationTests {
    @Test func defaultsMatchTheReferenceService() throws {
        let configuration = try ServerConfiguration(environment: [:])
        #expect(configuration == ServerConfiguration())
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 8080)
        #expect(configuration.database == .sqlite(path: "./hpc-jobs.db"))
        #expect(configuration.retentionDays == 7)
        #expect(configuration.slurmPollSeconds == 30)
    }

    @Test func readsEveryVariable() throws {
        let configuration = try ServerConfiguration(environment: [
            "HOST": "127.0.0.1", "PORT": "9090", "DATABASE_TYPE": "postgres",
            "DATABASE_URL": "postgres://u:p@db/hpc", "METRICS_RETENTION_DAYS": "30",
            "DATABASE_POOL_SIZE": "8", "LOG_LEVEL": "DEBUG", "SLURM_POLL_INTERVAL": "0",
            "SLURM_CONF": "/etc/slurm-llnl/slurm.conf", "HPC_OBS_SPOOL_DIR": "/srv/spool",
        ])
        #expect(configuration.slurmPollSeconds == 0)
        #expect(configuration.slurmConfigPath == "/etc/slurm-llnl/slurm.conf")
        #expect(configuration.spoolDirectory == "/srv/spool")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 9090)
        #expect(configuration.database == .postgres(connectionString: "postgres://u:p@db/hpc"))
        #expect(configuration.retentionDays == 30)
        #expect(configuration.postgresPoolSize == 8)
        #expect(configuration.logLevel == .debug)
    }

    @Test(arguments: [
        ("PORT", "http"), ("PORT", "0"), ("PORT", "70000"), ("METRICS_RETENTION_DAYS", "-1"),
        ("METRICS_RETENTION_DAYS", "seven"), ("DATABASE_POOL_SIZE", "0"), ("LOG_LEVEL", "loud"),
        ("DATABASE_TYPE", "mysql"), ("SLURM_POLL_INTERVAL", "-5"), ("SLURM_POLL_INTERVAL", "often"),
    ])
    func badValuesNameTheVariable(variable: String, value: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration(environment: [variable: value])
        }
        #expect(error?.variable == variable)
        #expect(error?.description.contains(value) == true)
    }
}
