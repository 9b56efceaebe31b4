import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOFoundationEssentialsCompat
import ObservabilityCore
import ObservabilityServer
import StorageBackends
import Testing

@Suite("GET /v1/health")
struct HealthTests {
    @Test func reportsOKWhileTheStoreAnswers() async throws {
        let store = try await ScratchSQLite.open()
        let app = Application(router: try buildRouter(store: store))
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/health", method: .get) { response in
                #expect(response.status == .ok)
                let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect(body["status"] as? String == "ok")
                #expect(body["readTokenRequired"] as? Bool == false)
                #expect(body["store"] as? String == "reachable")
                #expect(body["version"] as? String == ServiceVersion.current)
            }
        }
        await store.close()
    }

    @Test func reportsUnavailableWhenTheStoreIsGone() async throws {
        let store = try await ScratchSQLite.open()
        await store.close()
        let app = Application(router: try buildRouter(store: store))
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/health", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                #expect(body["status"] as? String == "unavailable")
                #expect(body["store"] as? String == "unreachable")
                // Anyone may ask: the store's own message (libpq's, naming hosts and users)
                // stays in the log.
                #expect(body["detail"] as? String == "the store does not answer; the server's log says why")
            }
        }
    }
}

@Suite("Retention")
struct RetentionTests {
    @Test func deletesSamplesOlderThanTheRetentionPeriod() async throws {
        let store = try await ScratchSQLite.open()
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        _ = try await store.createJob(Job(id: "r", user: "u", state: .running, submitTime: now.addingTimeInterval(-30 * 86_400)))
        try await store.appendSamples([
            MetricSample(jobID: "r", time: now.addingTimeInterval(-8 * 86_400), cpuUsage: 1, memoryBytes: 1),
            MetricSample(jobID: "r", time: now.addingTimeInterval(-6 * 86_400), cpuUsage: 1, memoryBytes: 1),
        ])
        let service = RetentionService(store: store, retentionDays: 7, logger: Logger(label: "test"))
        #expect(await service.runOnce(now: now) == 1)
        #expect(try await store.samples(jobID: "r", SampleQuery()).count == 1)
        // Whole UTC days: 1_780_000_000 is 2026-05-28T20:26:40Z, so the cutoff is the start of 05-21.
        #expect(RetentionService.cutoff(now: now, retentionDays: 7) == RFC3339.parse("2026-05-21T00:00:00Z"))
        await store.close()
    }
}

enum ScratchSQLite {
    static func open() async throws -> any JobStore {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hpc-obs-tests-\(ProcessInfo.processInfo.processIdentifier)")
            .appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "hpc-obs.tests")
        logger.logLevel = .warning
        return try await JobStoreFactory.open(.sqlite(path: directory.appendingPathComponent("jobs.db").path), logger: logger)
    }
}
