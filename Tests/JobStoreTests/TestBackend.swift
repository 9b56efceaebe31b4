import Foundation
import Logging
import ObservabilityCore
@testable import PostgresStore
import SQLJobStore
import SQLiteStore
import Testing

/// The backends the contract suite runs against.
///
/// PostgreSQL runs when `HPC_OBS_TEST_POSTGRES_URL` names a server (the test command starts
/// one). Under `CI=true` it always runs, so a missing server fails the suite instead of
/// silently shrinking it.
enum TestBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var isCI: Bool { environment["CI"] == "true" }
    static var postgresURL: String? { environment["HPC_OBS_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    static var available: [TestBackend] {
        postgresURL != nil || isCI ? [.sqlite, .postgres] : [.sqlite]
    }

    var testDescription: String { rawValue }

    static let logger: Logger = {
        var logger = Logger(label: "hpc-obs.tests")
        logger.logLevel = .warning
        return logger
    }()

    /// A fresh, migrated, empty store: a new SQLite file, or a new PostgreSQL schema.
    func makeStore(poolSize: Int = 4) async throws -> ScratchStore {
        switch self {
        case .sqlite:
            let directory = try TemporaryDirectory()
            let path = directory.path + "/jobs.db"
            let store = try await SQLiteJobStore.open(path: path, logger: Self.logger)
            return ScratchStore(store: store, configuration: .sqlite(path: path), directory: directory)
        case .postgres:
            let url = try Self.requirePostgresURL()
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let admin = try PostgresConnection(connectionString: url)
            defer { admin.close() }
            try admin.executeScript("CREATE SCHEMA \(schema)")
            let scoped = Self.postgresURL(url, searchPath: schema)
            let store = try await PostgresJobStore.open(connectionString: scoped, poolSize: poolSize, logger: Self.logger)
            return ScratchStore(store: store, configuration: .postgres(connectionString: scoped), directory: nil)
        }
    }

    static func requirePostgresURL() throws -> String {
        guard let url = postgresURL else {
            throw TestSetupError(
                "PostgreSQL is required (CI=true) but HPC_OBS_TEST_POSTGRES_URL is not set; run the suite through Tests/run, which starts a server"
            )
        }
        return url
    }

    /// The same server, with every connection's `search_path` set to `schema`.
    static func postgresURL(_ url: String, searchPath schema: String) -> String {
        url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A store for one test, with what it needs to be opened again or from another process.
struct ScratchStore: Sendable {
    let store: SQLJobStore
    let configuration: DatabaseConfiguration
    let directory: TemporaryDirectory?
}

/// A fresh directory under one root per test process. Directories outlive the test (stores
/// open connections lazily, after the test's last reference to its directory); `Tests/run`
/// removes the root when the suite ends.
struct TemporaryDirectory: Sendable {
    static let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("hpc-obs-tests-\(ProcessInfo.processInfo.processIdentifier)")

    let path: String

    init() throws {
        let directory = Self.root.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.path
    }
}
