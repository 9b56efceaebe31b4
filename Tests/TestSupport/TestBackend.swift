public import Foundation
public import Logging
public import ObservabilityCore
import PostgresStore
public import SQLJobStore
import SQLiteStore
public import Testing

/// The backends the contract suite runs against.
///
/// PostgreSQL runs when `HPC_OBS_TEST_POSTGRES_URL` names a server (the test command starts
/// one). Under `CI=true` it always runs, so a missing server fails the suite instead of
/// silently shrinking it.
public enum TestBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    public static var environment: [String: String] { ProcessInfo.processInfo.environment }
    public static var isCI: Bool { environment["CI"] == "true" }
    public static var postgresURL: String? { environment["HPC_OBS_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    public static var available: [TestBackend] {
        postgresURL != nil || isCI ? [.sqlite, .postgres] : [.sqlite]
    }

    public var testDescription: String { rawValue }

    public static let logger: Logger = {
        var logger = Logger(label: "hpc-obs.tests")
        logger.logLevel = .warning
        return logger
    }()

    /// A fresh, migrated, empty store: a new SQLite file, or a new PostgreSQL schema.
    public func makeStore(poolSize: Int = 4) async throws -> ScratchStore {
        switch self {
        case .sqlite:
            let directory = try TemporaryDirectory()
            let path = directory.path + "/jobs.db"
            let store = try await SQLiteJobStore.open(path: path, logger: Self.logger)
            return ScratchStore(store: store, configuration: .sqlite(path: path), directory: directory)
        case .postgres:
            let url = try Self.requirePostgresURL()
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try PostgresJobStore.executeScript("CREATE SCHEMA \(schema)", connectionString: url)
            let scoped = Self.postgresURL(url, searchPath: schema)
            let store = try await PostgresJobStore.open(connectionString: scoped, poolSize: poolSize, logger: Self.logger)
            return ScratchStore(store: store, configuration: .postgres(connectionString: scoped), directory: nil)
        }
    }

    public static func requirePostgresURL() throws -> String {
        guard let url = postgresURL else {
            throw TestSetupError(
                "PostgreSQL is required (CI=true) but HPC_OBS_TEST_POSTGRES_URL is not set; run the suite through Tests/run, which starts a server"
            )
        }
        return url
    }

    /// The same server, with every connection's `search_path` set to `schema`.
    public static func postgresURL(_ url: String, searchPath schema: String) -> String {
        url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A store for one test, with what it needs to be opened again or from another process.
public struct ScratchStore: Sendable {
    public let store: SQLJobStore
    public let configuration: DatabaseConfiguration
    public let directory: TemporaryDirectory?
}

/// A fresh directory under one root per test process. Directories outlive the test (stores
/// open connections lazily, after the test's last reference to its directory); `Tests/run`
/// removes the root when the suite ends.
public struct TemporaryDirectory: Sendable {
    public static let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("hpc-obs-tests-\(ProcessInfo.processInfo.processIdentifier)")

    public let path: String

    public init() throws {
        let directory = Self.root.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.path
    }
}
