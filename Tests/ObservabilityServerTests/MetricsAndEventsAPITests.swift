import Foundation
import Hummingbird
import HummingbirdTesting
import ObservabilityCore
import SQLJobStore
import TestSupport
import Testing

@testable import ObservabilityServer

@Suite("/v1/jobs/{jobId}/metrics and /v1/events")
struct MetricsAndEventsAPITests {
    @Test(arguments: TestBackend.available)
    func batchesAreStoredWholeAndReadBackByRange(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            try await client.send(.post, "/v1/jobs", json: #"{"id": "m", "user": "alice", "requestedCpus": 2, "state": "running"}"#)
            let samples = (0..<100).map {
                #"{"timestamp": "2026-11-29T08:\#(String(format: "%02d", $0 / 60)):\#(String(format: "%02d", $0 % 60)).500Z", "cpuUsage": \#($0), "memoryUsageMb": 512.25, "node": "n1"}"#
            }
            let recorded = try await client.send(.post, "/v1/jobs/m/metrics", json: "[" + samples.joined(separator: ",") + "]")
            #expect(recorded.status == .created)
            #expect(recorded.json["accepted"] as? Int == 100)

            let window = try await client.send(.get, "/v1/jobs/m/metrics?from=2026-11-29T08:00:10Z&to=2026-11-29T08:00:20Z")
            #expect(window.json["count"] as? Int == 10)
            let first = try #require((window.json["samples"] as? [[String: Any]])?.first)
            #expect(first["timestamp"] as? String == "2026-11-29T08:00:10.500Z")
            #expect(first["memoryUsageMb"] as? Double == 512.25)
            let newest = try await client.send(.get, "/v1/jobs/m/metrics?limit=1&order=desc")
            #expect((newest.json["samples"] as? [[String: Any]])?.first?["cpuUsage"] as? Double == 99)
            try await client.send(.get, "/v1/jobs/m/metrics?limit=10001").expectProblem(.badRequest, field: "limit")
            try await client.send(.get, "/v1/jobs/m/metrics?from=2026-11-29T09:00:00Z&to=2026-11-29T08:00:00Z").expectProblem(
                .badRequest,
                field: "to"
            )
            try await client.send(.get, "/v1/jobs/m/metrics?order=sideways").expectProblem(.badRequest)

            // step: one point a minute with the mean and the maximum (samples 0…59, then 60…99).
            let steps = try await client.send(.get, "/v1/jobs/m/metrics?step=60")
            #expect(steps.json["count"] as? Int == 2)
            let points = try #require(steps.json["samples"] as? [[String: Any]])
            #expect(points.map { $0["timestamp"] as? String } == ["2026-11-29T08:00:00.000Z", "2026-11-29T08:01:00.000Z"])
            #expect(points.map { $0["samples"] as? Int } == [60, 40])
            #expect(points.map { $0["cpuUsage"] as? Double } == [29.5, 79.5])
            #expect(points.map { $0["cpuUsageMax"] as? Double } == [59, 99])
            #expect(points.first?["memoryUsageMaxMb"] as? Double == 512.25 && points.first?["node"] as? String == "n1")
            try await client.send(.get, "/v1/jobs/m/metrics?step=0").expectProblem(.badRequest, field: "step")
            try await client.send(.get, "/v1/jobs/m/metrics?step=315360001").expectProblem(.badRequest, field: "step")
            try await client.send(.get, "/v1/jobs/ghost/metrics?step=60").expectProblem(.notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func aBadSampleRejectsTheBatchAndNamesIt(backend: TestBackend) async throws {
        try await withAPI(backend) { client, store in
            try await client.send(.post, "/v1/jobs", json: #"{"id": "b", "user": "alice", "requestedCpus": 2}"#)
            try await client.send(.post, "/v1/jobs/b/metrics", json: #"[{"cpuUsage": 1, "memoryUsageMb": 1}, {"cpuUsage": -5, "memoryUsageMb": 1}]"#)
                .expectProblem(.unprocessableContent, field: "[1].cpuUsage")
            try await client.send(.post, "/v1/jobs/b/metrics", json: #"{"cpuUsage": 250, "memoryUsageMb": 1}"#)
                .expectProblem(.unprocessableContent, field: "cpuUsage")
            try await client.send(.post, "/v1/jobs/b/metrics", json: #"{"cpuUsage": 1, "memoryUsageMb": 1, "gpuUsage": 101}"#)
                .expectProblem(.unprocessableContent, field: "gpuUsage")
            try await client.send(.post, "/v1/jobs/b/metrics", json: #"{"cpuUsage": 1, "memoryUsageMb": -1}"#)
                .expectProblem(.unprocessableContent, field: "memoryUsageMb")
            try await client.send(.post, "/v1/jobs/b/metrics", json: #"{"cpuUsage": "high", "memoryUsageMb": 1}"#)
                .expectProblem(.badRequest, field: "cpuUsage")
            try await client.send(.post, "/v1/jobs/b/metrics", json: #"{"memoryUsageMb": 1}"#).expectProblem(.badRequest, field: "cpuUsage")
            try await client.send(.post, "/v1/jobs/b/metrics", json: "[]").expectProblem(.badRequest)
            try await client.send(.post, "/v1/jobs/b/metrics", json: #"{"cpuUsage": NaN, "memoryUsageMb": 1}"#).expectProblem(.badRequest)
            try await client.send(.post, "/v1/jobs/ghost/metrics", json: #"{"cpuUsage": 1, "memoryUsageMb": 1}"#).expectProblem(.notFound)
            #expect(try await store.samples(jobID: "b", SampleQuery()).isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func eventsAreIdempotent(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            let prolog =
                #"{"eventId": "slurm:42:prolog:n1", "jobId": "42", "kind": "started", "time": "2026-11-29T08:00:00Z", "user": "alice", "nodes": ["n1"]}"#
            let first = try await client.send(.post, "/v1/events", json: prolog)
            #expect(first.status == .ok)
            #expect((first.json["results"] as? [[String: Any]])?.first?["outcome"] as? String == "created")
            let replay = try await client.send(.post, "/v1/events", json: prolog)
            #expect((replay.json["results"] as? [[String: Any]])?.first?["outcome"] as? String == "duplicate")
            let batch = try await client.send(
                .post,
                "/v1/events",
                json: """
                    [{"eventId": "slurm:42:prolog:n2", "jobId": "42", "kind": "started", "time": "2026-11-29T08:00:01Z", "user": "alice", "nodes": ["n2"]},
                     {"eventId": "slurm:42:epilog", "jobId": "42", "kind": "ended", "time": "2026-11-29T09:00:00Z", "user": "alice", "exitCode": 3}]
                    """
            )
            #expect((batch.json["results"] as? [[String: Any]])?.map { $0["outcome"] as? String } == ["updated", "updated"])
            let job = try await client.send(.get, "/v1/jobs/42")
            #expect(job.json["state"] as? String == "failed")
            #expect(job.json["exitCode"] as? Int == 3)
            #expect(job.json["nodes"] as? [String] == ["n1", "n2"])
            #expect(job.json["runtimeSeconds"] as? Double == 3_600)

            try await client.send(
                .post,
                "/v1/events",
                json: #"{"eventId": "x", "jobId": "43", "kind": "exploded", "time": "2026-11-29T08:00:00Z", "user": "a"}"#
            )
            .expectProblem(.badRequest, field: "kind")
            try await client.send(
                .post,
                "/v1/events",
                json: """
                    [{"eventId": "ok", "jobId": "44", "kind": "started", "time": "2026-11-29T08:00:00Z", "user": "a"},
                     {"eventId": "bad", "jobId": "44", "kind": "started", "time": "2026-11-29T08:00:00Z", "user": "a", "finalState": "completed"}]
                    """
            ).expectProblem(.unprocessableContent, field: "[1].finalState")
            try await client.send(.get, "/v1/jobs/44").expectProblem(.notFound)
        }
    }

    @Test(arguments: TestBackend.available)
    func anEndWithUsageGivesTheJobItsSummary(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            let end = """
                {"eventId": "pbs:7.pbs01:epilogue:cn1:1", "jobId": "7.pbs01", "kind": "ended", "time": "2026-11-29T09:00:00Z",
                 "startTime": "2026-11-29T08:00:00Z", "user": "carol", "nodes": ["cn1"], "exitCode": 0, "requestedCpus": 2,
                 "requestedMemoryMb": 4096, "usage": {"node": "cn1", "cpuSeconds": 5400, "peakMemoryMb": 1024}}
                """
            #expect(try await client.send(.post, "/v1/events", json: end).status == .ok)
            let job = try await client.send(.get, "/v1/jobs/7.pbs01").json
            #expect(job["state"] as? String == "completed")
            let summary = job["summary"] as? [String: Any]
            #expect(summary?["cpuSeconds"] as? Double == 5_400)
            #expect(summary?["cpuEfficiencyPercent"] as? Double == 75)
            #expect(summary?["memoryEfficiencyPercent"] as? Double == 25)
            let negative = end.replacingOccurrences(of: #""cpuSeconds": 5400"#, with: #""cpuSeconds": -1"#)
                .replacingOccurrences(of: "7.pbs01", with: "8.pbs01")
            try await client.send(.post, "/v1/events", json: negative).expectProblem(.unprocessableContent, field: "usage.cpuSeconds")
            try await client.send(.get, "/v1/jobs/8.pbs01").expectProblem(.notFound)
        }
    }
}

@Suite("Authentication")
struct AuthenticationTests {
    @Test func writesNeedTheBearerToken() async throws {
        try await withAPI(.sqlite, auth: AuthConfiguration(token: "s3cret")) { client, _ in
            let body = #"{"id": "1", "user": "alice"}"#
            try await client.send(.post, "/v1/jobs", json: body).expectProblem(.unauthorized)
            try await client.send(.post, "/v1/jobs", json: body, headers: [.authorization: "Bearer wrong"]).expectProblem(.forbidden)
            try await client.send(.post, "/v1/jobs", json: body, headers: [.authorization: "Basic czNjcmV0"]).expectProblem(.unauthorized)
            #expect(try await client.send(.post, "/v1/jobs", json: body, headers: [.authorization: "Bearer s3cret"]).status == .created)
            try await client.send(.delete, "/v1/jobs/1").expectProblem(.unauthorized)
            try await client.send(.post, "/v1/events", json: "{}").expectProblem(.unauthorized)
            #expect(try await client.send(.get, "/v1/jobs/1").status == .ok)
        }
    }

    @Test func readsCanRequireTheTokenButHealthStaysOpen() async throws {
        try await withAPI(.sqlite, auth: AuthConfiguration(token: "s3cret", readsRequireToken: true)) { client, _ in
            try await client.send(.get, "/v1/jobs").expectProblem(.unauthorized)
            #expect(try await client.send(.get, "/v1/jobs", headers: [.authorization: "Bearer s3cret"]).status == .ok)
            #expect(try await client.send(.get, "/v1/health").status == .ok)
        }
    }

    @Test func tokensCompareByContentOnly() {
        #expect(AuthMiddleware<BasicRequestContext>.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!AuthMiddleware<BasicRequestContext>.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!AuthMiddleware<BasicRequestContext>.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!AuthMiddleware<BasicRequestContext>.constantTimeEquals(Array("".utf8), Array("a".utf8)))
    }

    @Test func tokenFileIsReadAndChecked() throws {
        let configuration = try ServerConfiguration(environment: ["API_TOKEN_FILE": "/etc/hpc-obs/token"]) { _ in "t0k3n\n" }
        #expect(configuration.auth.token == "t0k3n")
        let empty = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration(environment: ["API_TOKEN_FILE": "/x"]) { _ in "\n" }
        }
        #expect(empty?.variable == "API_TOKEN_FILE")
        let unreadable = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration(environment: ["API_TOKEN_FILE": "/x"]) { _ in throw CocoaError(.fileReadNoPermission) }
        }
        #expect(unreadable?.variable == "API_TOKEN_FILE")
        let readsWithoutToken = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration(environment: ["API_READ_TOKEN_REQUIRED": "true"])
        }
        #expect(readsWithoutToken?.variable == "API_READ_TOKEN_REQUIRED")
    }
}

@Suite("--seed-demo")
struct DemoDataTests {
    @Test(arguments: TestBackend.available)
    func seedsARealisticClusterOnce(backend: TestBackend) async throws {
        let store = try await backend.makeStore().store
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let created = try await DemoData.seed(into: store, now: now)
        #expect(created >= 30)
        let counts = try await store.jobCountsByState()
        #expect(counts.values.allSatisfy { $0 > 0 }, "every state has demo jobs: \(counts)")
        let jobs = try await store.listJobs(JobFilter(), page: JobPage(limit: 1_000)).jobs
        #expect(Set(jobs.map(\.user)).count >= 4)
        #expect(Set(jobs.compactMap(\.partition)).count >= 3)
        #expect(jobs.contains { $0.nodes.count > 1 })
        #expect(jobs.contains { ($0.requestedGPUs ?? 0) > 0 })
        let running = try await store.runningJobs()
        #expect(running.allSatisfy { $0.latestSample != nil })
        let longest = try await store.samples(jobID: running[0].id, SampleQuery(limit: 10_000))
        #expect(!longest.isEmpty)
        #expect(try await DemoData.seed(into: store, now: now) == 0)
        #expect(try await store.jobsCreatedTotal() == created)
        await store.close()
    }
}

/// Two clusters' job 123 through the API: events, reads, samples, lists and `/metrics`.
@Suite("Jobs of several clusters through the API")
struct ClusterAPITests {
    static func prolog(_ cluster: String, at time: String) -> String {
        """
        {"eventId": "slurm:123:prolog:n1", "jobId": "123", "kind": "started", "time": "\(time)", "user": "alice", \
        "nodes": ["n1"], "cluster": "\(cluster)"}
        """
    }

    @Test(arguments: TestBackend.available)
    func theSameJobIdOnTwoClustersIsTwoJobsAddressedByCluster(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            let alpha = try await client.send(.post, "/v1/events", json: Self.prolog("alpha", at: "2026-11-29T08:00:00Z"))
            let beta = try await client.send(.post, "/v1/events", json: Self.prolog("beta", at: "2026-11-29T08:05:00Z"))
            #expect((alpha.json["results"] as? [[String: Any]])?.first?["outcome"] as? String == "created")
            #expect((beta.json["results"] as? [[String: Any]])?.first?["outcome"] as? String == "created")
            #expect((beta.json["results"] as? [[String: Any]])?.first?["jobId"] as? String == "123")

            // The id alone names two jobs: 409, naming the clusters and the parameter.
            let ambiguous = try await client.send(.get, "/v1/jobs/123").expectProblem(.conflict, field: "cluster")
            #expect((ambiguous["detail"] as? String)?.contains("alpha, beta") == true)

            let epilog = """
                {"eventId": "slurm:123:epilog", "jobId": "123", "kind": "ended", "time": "2026-11-29T09:00:00Z", "user": "alice", \
                "exitCode": 3, "cluster": "beta"}
                """
            _ = try await client.send(.post, "/v1/events", json: epilog)
            let alphaJob = try await client.send(.get, "/v1/jobs/123?cluster=alpha")
            #expect(alphaJob.status == .ok && alphaJob.json["id"] as? String == "123" && alphaJob.json["cluster"] as? String == "alpha")
            #expect(alphaJob.json["state"] as? String == "running")
            #expect(try await client.send(.get, "/v1/jobs/123?cluster=beta").json["state"] as? String == "failed")
            try await client.send(.get, "/v1/jobs/123?cluster=gamma").expectProblem(.notFound)
            try await client.send(.get, "/v1/jobs/123?cluster=a%20b").expectProblem(.badRequest)

            let recorded = try await client.send(.post, "/v1/jobs/123/metrics?cluster=alpha", json: #"{"cpuUsage": 12.5, "memoryUsageMb": 10}"#)
            #expect(recorded.status == .created && recorded.json["jobId"] as? String == "123")
            try await client.send(.post, "/v1/jobs/123/metrics", json: #"{"cpuUsage": 1, "memoryUsageMb": 1}"#).expectProblem(.conflict)
            let alphaSamples = try await client.send(.get, "/v1/jobs/123/metrics?cluster=alpha")
            #expect((alphaSamples.json["samples"] as? [[String: Any]])?.map { $0["cpuUsage"] as? Double } == [12.5])
            #expect(try await client.send(.get, "/v1/jobs/123/metrics?cluster=beta").json["count"] as? Int == 0)

            let listed = try await client.send(.get, "/v1/jobs?cluster=beta")
            #expect(listed.json["total"] as? Int == 1)
            #expect((listed.json["jobs"] as? [[String: Any]])?.map { $0["cluster"] as? String } == ["beta"])
            #expect(try await client.send(.get, "/v1/jobs").json["total"] as? Int == 2)

            let exposition = String(buffer: try await client.send(.get, "/metrics").body)
            #expect(exposition.contains(#"job_id="123""#) && exposition.contains(#"cluster="alpha""#))
            #expect(!exposition.contains("alpha/123"))

            #expect(try await client.send(.delete, "/v1/jobs/123?cluster=beta").status == .noContent)
            #expect(try await client.send(.get, "/v1/jobs/123").json["cluster"] as? String == "alpha")
        }
    }

    @Test(arguments: TestBackend.available)
    func aJobCreatedWithAClusterIsFoundByItsIdAndItsLocationNamesTheCluster(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            let created = try await client.send(.post, "/v1/jobs", json: #"{"id": "77", "user": "ann", "cluster": "hpc&1"}"#)
            #expect(created.status == .created && created.json["id"] as? String == "77")
            #expect(created.headers[.location] == "/v1/jobs/77?cluster=hpc%261")
            #expect(try await client.send(.get, "/v1/jobs/77").json["cluster"] as? String == "hpc&1")
            #expect(try await client.send(.get, "/v1/jobs/77?cluster=hpc%261").status == .ok)
            try await client.send(.post, "/v1/jobs", json: #"{"id": "77", "user": "ann", "cluster": "hpc&1"}"#).expectProblem(.conflict)
        }
    }
}
