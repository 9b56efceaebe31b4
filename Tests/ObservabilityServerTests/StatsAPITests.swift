import Foundation
import Hummingbird
import HummingbirdTesting
import ObservabilityCore
import ObservabilityServer
import TestSupport
import Testing

@Suite("/v1/stats and verdicts in lists")
struct StatsAPITests {
    @Test(arguments: TestBackend.available)
    func statsCountNowAndHoursOverTheWindow(backend: TestBackend) async throws {
        try await withAPI(backend) { client, store in
            let now = Date()
            var job = Job(
                id: "s1",
                user: "alice",
                nodes: ["gpu01"],
                state: .running,
                attributes: JobAttributes(partition: "gpu", requestedCPUs: 8, requestedGPUs: 2),
                submitTime: now.addingTimeInterval(-7_200),
                startTime: now.addingTimeInterval(-3_600)
            )
            _ = try await store.createJob(job)
            job.id = "s2"
            job.state = .pending
            job.startTime = nil
            _ = try await store.createJob(job)

            let stats = try await client.send(.get, "/v1/stats?top=5")
            #expect(stats.status == .ok)
            let byState = try #require(stats.json["jobsByState"] as? [String: Int])
            #expect(byState.count == JobState.allCases.count)
            #expect(byState["running"] == 1 && byState["pending"] == 1 && byState["node_fail"] == 0)
            let active = try #require(stats.json["activeByPartition"] as? [[String: Any]])
            #expect(active.count == 1 && active[0]["partition"] as? String == "gpu" && active[0]["pending"] as? Int == 1)
            let window = try #require(stats.json["window"] as? [String: Any])
            let users = try #require(window["users"] as? [[String: Any]])
            #expect(users.count == 1 && users[0]["name"] as? String == "alice")
            let cpuHours = try #require(users[0]["cpuHours"] as? Double)
            #expect(abs(cpuHours - 8) < 0.05, "8 CPUs for about an hour: \(cpuHours)")

            let lastWeek = try await client.send(.get, "/v1/stats?since=2026-01-01T00:00:00Z&until=2026-01-08T00:00:00Z")
            #expect((lastWeek.json["window"] as? [String: Any])?["since"] as? String == "2026-01-01T00:00:00.000Z")
        }
    }

    @Test(arguments: TestBackend.available)
    func badWindowsAreRefusedByName(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            try await client.send(.get, "/v1/stats?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z").expectProblem(.badRequest, field: "since")
            try await client.send(.get, "/v1/stats?until=300000-01-01T00:00:00Z").expectProblem(.badRequest)
            try await client.send(.get, "/v1/stats?top=0").expectProblem(.badRequest, field: "top")
            try await client.send(.get, "/v1/stats?top=1001").expectProblem(.badRequest, field: "top")
            try await client.send(.get, "/v1/stats?top=99999999999999999999").expectProblem(.badRequest)
        }
    }

    @Test(arguments: TestBackend.available)
    func listsCarrySummariesAndVerdictCodes(backend: TestBackend) async throws {
        try await withAPI(backend) { client, store in
            let now = Date()
            _ = try await store.createJob(
                Job(
                    id: "w1",
                    user: "bob",
                    nodes: ["cn01"],
                    state: .completed,
                    attributes: JobAttributes(requestedCPUs: 16, requestedMemoryBytes: 64 << 30),
                    submitTime: now.addingTimeInterval(-4_000),
                    startTime: now.addingTimeInterval(-3_600),
                    endTime: now
                )
            )
            _ = try await store.createJob(Job(id: "w2", user: "bob", nodes: [], state: .pending, submitTime: now))
            var oom = Job(id: "w3", user: "bob", nodes: ["cn02"], state: .outOfMemory, submitTime: now.addingTimeInterval(-100))
            oom.startTime = now.addingTimeInterval(-90)
            oom.endTime = now.addingTimeInterval(-10)
            _ = try await store.createJob(oom)
            try await store.recordUsage([JobUsageTotals(jobID: "w1", node: "cn01", cpuSeconds: 3_600, peakMemoryBytes: 1 << 30)])

            let list = try await client.send(.get, "/v1/jobs")
            let jobs = Dictionary(uniqueKeysWithValues: (list.json["jobs"] as? [[String: Any]] ?? []).map { ($0["id"] as? String ?? "", $0) })
            let wasteful = try #require(jobs["w1"])
            #expect(wasteful["verdicts"] as? [String] == ["cpu_underused", "memory_overrequested"])
            let summary = try #require(wasteful["summary"] as? [String: Any])
            #expect(summary["cpuEfficiencyPercent"] as? Double == 6.3)
            #expect(summary["notes"] == nil, "lists carry codes, not sentences")
            #expect(jobs["w2"]?["verdicts"] as? [String] == [])
            #expect(jobs["w2"]?["summary"] == nil)
            #expect(jobs["w3"]?["verdicts"] as? [String] == ["out_of_memory"], "how a job ended needs no collector")
            let detail = try await client.send(.get, "/v1/jobs/w1")
            #expect(detail.json["verdicts"] == nil)
            #expect(((detail.json["summary"] as? [String: Any])?["notes"] as? [[String: Any]])?.count == 2)
        }
    }
}
