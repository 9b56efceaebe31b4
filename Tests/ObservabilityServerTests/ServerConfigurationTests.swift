import Foundation
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

    /// The packaged layout: the settings file names what the admin set, and a variable in the
    /// server's environment wins over the file's line of the same name.
    @Test func theEnvironmentWinsOverTheSettingsFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hpc-obs-\(UUID().uuidString).conf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(
            """
            # comments and blank lines are skipped

            HOST=127.0.0.1
            PORT=9000
            DATABASE_URL=/srv/hpc-obs/jobs.db
            #SLURM_POLL_INTERVAL=5
            METRICS_RETENTION_DAYS=30
            """.utf8
        ).write(to: URL(fileURLWithPath: path))
        let configuration = try await ServerConfiguration.load(environment: ["HPC_OBS_CONFIG": path, "PORT": "9100"])
        #expect(configuration.host == "127.0.0.1" && configuration.port == 9100 && configuration.retentionDays == 30)
        #expect(configuration.database == .sqlite(path: "/srv/hpc-obs/jobs.db"))
        #expect(configuration.slurmPollSeconds == 30)

        // A bad value in the file stops the server as one in the environment does.
        try Data("PORT=http\n".utf8).write(to: URL(fileURLWithPath: path))
        let bad = await #expect(throws: ConfigurationError.self) { try await ServerConfiguration.load(environment: ["HPC_OBS_CONFIG": path]) }
        #expect(bad?.variable == "PORT" && bad?.value == "http")
    }

    @Test func aSettingsFileNamedOnPurposeMustBeThere() async throws {
        let error = await #expect(throws: ConfigurationError.self) {
            try await ServerConfiguration.load(environment: ["HPC_OBS_CONFIG": "/nonexistent/hpc-obs.conf"])
        }
        #expect(error?.variable == "HPC_OBS_CONFIG")
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

    @Test func tlsNeedsBothFilesAndUsableOnes() async throws {
        let both = try ServerConfiguration(environment: [
            "TLS_CERT_FILE": "/etc/hpc-obs/tls.pem", "TLS_KEY_FILE": "/etc/hpc-obs/tls.key", "HPC_OBS_CA_FILE": "/ca.pem",
        ])
        #expect(both.tls == ServerConfiguration.TLSFiles(certificateFile: "/etc/hpc-obs/tls.pem", keyFile: "/etc/hpc-obs/tls.key"))
        #expect(both.serviceCAFile == "/ca.pem")
        let noKey = #expect(throws: ConfigurationError.self) { try ServerConfiguration(environment: ["TLS_CERT_FILE": "/c.pem"]) }
        #expect(noKey?.variable == "TLS_KEY_FILE")
        let noCertificate = #expect(throws: ConfigurationError.self) { try ServerConfiguration(environment: ["TLS_KEY_FILE": "/k.pem"]) }
        #expect(noCertificate?.variable == "TLS_CERT_FILE")
        // Files that cannot be read stop the server at start (exit 78), naming the variable.
        var unreadable = ServerConfiguration()
        unreadable.tls = ServerConfiguration.TLSFiles(certificateFile: "/nonexistent/tls.pem", keyFile: "/nonexistent/tls.key")
        let store = try await ScratchSQLite.open()
        let error = #expect(throws: ConfigurationError.self) {
            _ = try buildApplication(configuration: unreadable, store: store, logger: Logger(label: "test"))
        }
        #expect(error?.variable == "TLS_CERT_FILE")
        await store.close()
    }
}
