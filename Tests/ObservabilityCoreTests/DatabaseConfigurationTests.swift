import ObservabilityCore
import Testing

@Suite("Database configuration")
struct DatabaseConfigurationTests {
    @Test func sqliteIsTheDefaultAndWaitsForTheDisk() throws {
        #expect(try DatabaseConfiguration(environment: [:]) == .sqlite(path: "./hpc-jobs.db", synchronous: .full))
        #expect(try DatabaseConfiguration(environment: ["SQLITE_SYNCHRONOUS": "NORMAL"]) == .sqlite(path: "./hpc-jobs.db", synchronous: .normal))
        let bad = #expect(throws: ConfigurationError.self) { try DatabaseConfiguration(environment: ["SQLITE_SYNCHRONOUS": "off"]) }
        #expect(bad?.variable == "SQLITE_SYNCHRONOUS")
        #expect(try DatabaseConfiguration(environment: ["DATABASE_URL": "/var/lib/hpc-obs/jobs.db"]) == .sqlite(path: "/var/lib/hpc-obs/jobs.db"))
    }

    @Test func postgresNeedsAConnectionString() throws {
        #expect(
            try DatabaseConfiguration(environment: ["DATABASE_TYPE": "postgres", "DATABASE_URL": "postgres://u@h/db"])
                == .postgres(connectionString: "postgres://u@h/db")
        )
        #expect(
            try DatabaseConfiguration(environment: ["DATABASE_TYPE": "postgres", "DATABASE_URL": "host=db dbname=hpc"])
                == .postgres(connectionString: "host=db dbname=hpc")
        )
        let missing = #expect(throws: ConfigurationError.self) { try DatabaseConfiguration(environment: ["DATABASE_TYPE": "postgres"]) }
        #expect(missing?.variable == "DATABASE_URL")
        let path = #expect(throws: ConfigurationError.self) {
            try DatabaseConfiguration(environment: ["DATABASE_TYPE": "postgres", "DATABASE_URL": "./hpc-jobs.db"])
        }
        #expect(path?.variable == "DATABASE_URL")
    }

    @Test func aPostgresURLWithTheSQLiteTypeIsCaught() {
        let error = #expect(throws: ConfigurationError.self) {
            try DatabaseConfiguration(environment: ["DATABASE_URL": "postgres://u@h/db"])
        }
        #expect(error?.variable == "DATABASE_URL")
    }
}
