import Foundation
import Hummingbird
import HummingbirdTesting
import ObservabilityCore
import ObservabilityServer
import TestSupport
import Testing

@Suite("/v1/jobs")
struct JobsAPITests {
    @Test(arguments: TestBackend.available)
    func theReferenceExamplesWorkVerbatim(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            let created = try await client.send(.post, "/v1/jobs", json: #"{"id": "job-001", "user": "researcher", "nodes": ["node-1", "node-2"]}"#)
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/v1/jobs/job-001")
            #expect(created.json["state"] as? String == "pending")

            let fetched = try await client.send(.get, "/v1/jobs/job-001")
            #expect(fetched.status == .ok)
            #expect(fetched.json["user"] as? String == "researcher")
            #expect(fetched.json["nodes"] as? [String] == ["node-1", "node-2"])

            let recorded = try await client.send(
                .post,
                "/v1/jobs/job-001/metrics",
                json: #"{"cpuUsage": 75.5, "memoryUsageMb": 4096, "gpuUsage": 50.0}"#
            )
            #expect(recorded.status == .created)
            #expect(recorded.json["accepted"] as? Int == 1)

            let metrics = try await client.send(.get, "/v1/jobs/job-001/metrics")
            let sample = try #require((metrics.json["samples"] as? [[String: Any]])?.first)
            #expect(sample["cpuUsage"] as? Double == 75.5)
            #expect(sample["memoryUsageMb"] as? Double == 4096)
            #expect(sample["gpuUsage"] as? Double == 50)

            let completed = try await client.send(.patch, "/v1/jobs/job-001", json: #"{"state": "completed"}"#)
            #expect(completed.status == .ok)
            #expect(completed.json["state"] as? String == "completed")
            #expect(completed.json["endTime"] is String)

            let listed = try await client.send(.get, "/v1/jobs?state=running&limit=10")
            #expect(listed.status == .ok)
            #expect(listed.json["total"] as? Int == 0)
            #expect(listed.json["limit"] as? Int == 10)
        }
    }

    /// Every time comes back as it was sent, in one shape (three fraction digits, UTC), and a
    /// runtime is the stored times' difference without float noise: `.941` used to come back
    /// `.940`, a whole second without a fraction, and 3.025 s as 3.0250000953674316.
    @Test(arguments: TestBackend.available)
    func timesComeBackAsSentAndRuntimesExact(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            let body = """
                {"id": "t1", "user": "ann", "state": "completed", "submitTime": "2026-12-01T23:42:00.941Z",
                 "startTime": "2026-12-01T23:42:01.001Z", "endTime": "2026-12-01T23:42:04.026Z"}
                """
            #expect(try await client.send(.post, "/v1/jobs", json: body).status == .created)
            for path in ["/v1/jobs/t1", "/v1/jobs?user=ann"] {
                let answer = try await client.send(.get, path)
                let job = try #require(path.contains("?") ? (answer.json["jobs"] as? [[String: Any]])?.first : answer.json)
                #expect(job["submitTime"] as? String == "2026-12-01T23:42:00.941Z")
                #expect(job["startTime"] as? String == "2026-12-01T23:42:01.001Z")
                #expect(job["endTime"] as? String == "2026-12-01T23:42:04.026Z")
                #expect(job["runtimeSeconds"] as? Double == 3.025)
            }
            // Whole seconds, offsets and microseconds are written the same way.
            let other = """
                {"id": "t2", "user": "ann", "state": "running", "submitTime": "2026-12-01T23:42:00Z",
                 "startTime": "2026-12-02T00:42:00.0005+01:00"}
                """
            #expect(try await client.send(.post, "/v1/jobs", json: other).status == .created)
            let second = try await client.send(.get, "/v1/jobs/t2")
            #expect(second.json["submitTime"] as? String == "2026-12-01T23:42:00.000Z")
            #expect(second.json["startTime"] as? String == "2026-12-01T23:42:00.001Z")
            let sample = #"{"timestamp": "2026-12-01T23:42:02.999Z", "cpuUsage": 1, "memoryUsageMb": 1}"#
            #expect(try await client.send(.post, "/v1/jobs/t2/metrics", json: sample).status == .created)
            let samples = try await client.send(.get, "/v1/jobs/t2/metrics")
            #expect((samples.json["samples"] as? [[String: Any]])?.first?["timestamp"] as? String == "2026-12-01T23:42:02.999Z")
        }
    }

    @Test(arguments: TestBackend.available)
    func listFiltersPagesAndCounts(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            for (id, user, partition, state) in [
                ("1", "alice", "gpu", "running"), ("2", "bob", "batch", "running"), ("3", "alice", "batch", "pending"),
            ] {
                let body =
                    #"{"id": "\#(id)", "user": "\#(user)", "partition": "\#(partition)", "state": "\#(state)", "nodes": ["n\#(id)"], "submitTime": "2026-11-29T08:0\#(id):00Z"}"#
                #expect(try await client.send(.post, "/v1/jobs", json: body).status == .created)
            }
            let running = try await client.send(.get, "/v1/jobs?state=running")
            #expect((running.json["jobs"] as? [[String: Any]])?.map { $0["id"] as? String } == ["2", "1"])
            #expect(try await client.send(.get, "/v1/jobs?user=alice&partition=batch").json["total"] as? Int == 1)
            #expect(try await client.send(.get, "/v1/jobs?node=n2").json["total"] as? Int == 1)
            #expect(try await client.send(.get, "/v1/jobs?until=2026-11-29T08:02:00Z").json["total"] as? Int == 2)
            let page = try await client.send(.get, "/v1/jobs?limit=1&offset=1")
            #expect((page.json["jobs"] as? [[String: Any]])?.map { $0["id"] as? String } == ["2"])
            #expect(page.json["total"] as? Int == 3)
            let next = try #require(page.json["nextCursor"] as? String)
            let afterCursor = try await client.send(.get, "/v1/jobs?limit=5&cursor=\(next)")
            #expect((afterCursor.json["jobs"] as? [[String: Any]])?.map { $0["id"] as? String } == ["1"])
            #expect(afterCursor.json["nextCursor"] == nil)
            #expect(try await client.send(.get, "/v1/jobs?until=2026-11-29T09:01:30%2B01:00").json["total"] as? Int == 1)
            let countOnly = try await client.send(.get, "/v1/jobs?limit=0")
            #expect((countOnly.json["jobs"] as? [Any])?.isEmpty == true)
            #expect(countOnly.json["total"] as? Int == 3)
        }
    }

    @Test(arguments: TestBackend.available)
    func badQueriesAreBadRequests(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            try await client.send(.get, "/v1/jobs?limit=5000").expectProblem(.badRequest, field: "limit")
            try await client.send(.get, "/v1/jobs?limit=-1").expectProblem(.badRequest, field: "limit")
            try await client.send(.get, "/v1/jobs?offset=-3").expectProblem(.badRequest, field: "offset")
            try await client.send(.get, "/v1/jobs?cursor=bm90LWEtY3Vyc29y").expectProblem(.badRequest, field: "cursor")
            try await client.send(.get, "/v1/jobs?cursor=%FF%FE").expectProblem(.badRequest)
            try await client.send(.get, "/v1/jobs?limit=ten").expectProblem(.badRequest, field: "limit")
            try await client.send(.get, "/v1/jobs?state=done").expectProblem(.badRequest, field: "state")
            try await client.send(.get, "/v1/jobs?since=yesterday").expectProblem(.badRequest, field: "since")
            try await client.send(.get, "/v1/jobs?until=2026-13-01T00:00:00Z").expectProblem(.badRequest, field: "until")
            try await client.send(.get, "/v1/jobs?user=%zz").expectProblem(.badRequest)
            try await client.send(.get, "/v1/jobs?user=\(String(repeating: "u", count: 65))").expectProblem(.badRequest, field: "user")
            try await client.send(.get, "/v1/jobs?node=a%20b").expectProblem(.badRequest, field: "node")
            try await client.send(.get, "/v1/no-such-thing").expectProblem(.notFound)
            let wrongMethod = try await client.send(.put, "/v1/jobs/42", json: "{}")
            wrongMethod.expectProblem(.methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "DELETE, GET, PATCH")
            #expect(try await client.send(.delete, "/v1/jobs").headers[.allow] == "GET, POST")
        }
    }

    @Test(arguments: TestBackend.available)
    func createRefusesDuplicatesAndBadBodies(backend: TestBackend) async throws {
        try await withAPI(backend) { client, store in
            #expect(try await client.send(.post, "/v1/jobs", json: #"{"id": "7", "user": "alice"}"#).status == .created)
            try await client.send(.post, "/v1/jobs", json: #"{"id": "7", "user": "bob"}"#).expectProblem(.conflict, field: "id")
            try await client.send(.post, "/v1/jobs", json: #"{"id": "8""#).expectProblem(.badRequest)
            try await client.send(.post, "/v1/jobs", json: #"{"id": "8"}"#).expectProblem(.badRequest, field: "user")
            try await client.send(.post, "/v1/jobs", json: #"{"id": 8, "user": "alice"}"#).expectProblem(.badRequest, field: "id")
            try await client.send(.post, "/v1/jobs", json: #"{"id": "8", "user": "alice", "state": "done"}"#).expectProblem(
                .badRequest,
                field: "state"
            )
            try await client.send(.post, "/v1/jobs", json: #"{"id": "8", "user": "alice", "nodes": "n1"}"#).expectProblem(.badRequest, field: "nodes")
            let longID = String(repeating: "x", count: 129)
            try await client.send(.post, "/v1/jobs", json: #"{"id": "\#(longID)", "user": "alice"}"#).expectProblem(
                .unprocessableContent,
                field: "id"
            )
            try await client.send(.post, "/v1/jobs", json: #"{"id": "a/b", "user": "alice"}"#).expectProblem(.unprocessableContent, field: "id")
            try await client.send(.post, "/v1/jobs", json: #"{"id": "8", "user": "alice", "requestedCpus": 0}"#).expectProblem(
                .unprocessableContent,
                field: "requestedCpus"
            )
            try await client.send(.post, "/v1/jobs", json: #"{"id": "8", "user": "alice", "requestedMemoryMb": -1}"#).expectProblem(
                .unprocessableContent,
                field: "requestedMemoryMb"
            )
            try await client.send(.post, "/v1/jobs", json: #"{"id": "8", "user": "alice", "requestedMemoryMb": 1e300}"#).expectProblem(
                .unprocessableContent,
                field: "requestedMemoryMb"
            )
            try await client.send(.post, "/v1/jobs", json: #"{"id": "8", "user": "alice"}"#, contentType: "text/plain").expectProblem(
                .unsupportedMediaType
            )
            try await client.send(.post, "/v1/jobs", json: "id=8&user=alice", contentType: "application/x-www-form-urlencoded").expectProblem(
                .unsupportedMediaType
            )
            // An empty media type split into no pieces and trapped the server.
            for contentType in ["", ";", ";charset=utf-8", " ; "] {
                try await client.send(.post, "/v1/jobs", json: #"{"id": "8", "user": "alice"}"#, contentType: contentType).expectProblem(
                    .unsupportedMediaType
                )
            }
            let huge = #"{"id": "9", "user": "alice", "name": "\#(String(repeating: "a", count: 1 << 20))"}"#
            try await client.send(.post, "/v1/jobs", json: huge).expectProblem(.contentTooLarge)
            #expect(try await store.listJobs(JobFilter(), page: JobPage()).total == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func patchMovesStateAndRefusesIllegalTransitions(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            try await client.send(.post, "/v1/jobs", json: #"{"id": "p", "user": "alice"}"#)
            let running = try await client.send(.patch, "/v1/jobs/p", json: #"{"state": "running", "nodes": ["n1"]}"#)
            #expect(running.json["state"] as? String == "running")
            #expect(running.json["startTime"] is String)
            let failed = try await client.send(.patch, "/v1/jobs/p", json: #"{"state": "failed", "exitCode": 3}"#)
            #expect(failed.json["exitCode"] as? Int == 3)
            try await client.send(.patch, "/v1/jobs/p", json: #"{"state": "running"}"#).expectProblem(.conflict, field: "state")
            try await client.send(.patch, "/v1/jobs/p", json: #"{"state": "bogus"}"#).expectProblem(.badRequest, field: "state")
            try await client.send(.patch, "/v1/jobs/p", json: #"{"startTime": "2026-11-29T10:00:00Z", "endTime": "2026-11-29T09:00:00Z"}"#)
                .expectProblem(.unprocessableContent, field: "endTime")
            try await client.send(.patch, "/v1/jobs/nope", json: #"{"state": "running"}"#).expectProblem(.notFound)
            #expect(try await client.send(.get, "/v1/jobs/p").json["state"] as? String == "failed")
        }
    }

    @Test(arguments: TestBackend.available)
    func aJobWithRecordedTotalsHasASummary(backend: TestBackend) async throws {
        try await withAPI(backend) { client, store in
            try await client.send(
                .post,
                "/v1/jobs",
                json: """
                    {"id": "s", "user": "alice", "state": "completed", "requestedCpus": 2, "requestedMemoryMb": 1024,
                     "startTime": "2026-11-29T08:00:00Z", "endTime": "2026-11-29T08:01:40Z"}
                    """
            )
            #expect(try await client.send(.get, "/v1/jobs/s").json["summary"] == nil)
            let recorded = try await client.send(.put, "/v1/jobs/s/usage", json: #"{"node": "n1", "cpuSeconds": 150, "peakMemoryMb": 256}"#)
            #expect(recorded.status == .noContent)
            try await client.send(.put, "/v1/jobs/ghost/usage", json: #"{"node": "n1", "cpuSeconds": 1, "peakMemoryMb": 1}"#).expectProblem(.notFound)
            try await client.send(.put, "/v1/jobs/s/usage", json: #"{"node": "n1", "cpuSeconds": -1, "peakMemoryMb": 1}"#)
                .expectProblem(.unprocessableContent, field: "cpuSeconds")
            try await client.send(.put, "/v1/jobs/s/usage", json: #"{"node": "n 1", "cpuSeconds": 1, "peakMemoryMb": 1}"#)
                .expectProblem(.unprocessableContent, field: "node")
            try await client.send(.put, "/v1/jobs/s/usage", json: #"{"cpuSeconds": 1, "peakMemoryMb": 1}"#).expectProblem(.badRequest)
            #expect(try await store.usage(jobID: "s").nodes.count == 1)
            let summary = try await client.send(.get, "/v1/jobs/s").json["summary"] as? [String: Any]
            #expect(summary?["cpuSeconds"] as? Double == 150)
            #expect(summary?["elapsedSeconds"] as? Double == 100)
            #expect(summary?["peakMemoryMb"] as? Double == 256)
            #expect(summary?["cpuEfficiencyPercent"] as? Double == 75)
            #expect(summary?["memoryEfficiencyPercent"] as? Double == 25)
            // 100 s is under VERDICT_MIN_RUNTIME's 300: nothing judged but that.
            #expect((summary?["notes"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["too_short_to_judge"])
            // Lists carry the figures and the codes, not the sentences.
            let listed = try #require((try await client.send(.get, "/v1/jobs").json["jobs"] as? [[String: Any]])?.first)
            #expect((listed["summary"] as? [String: Any])?["cpuEfficiencyPercent"] as? Double == 75)
            #expect((listed["summary"] as? [String: Any])?["notes"] == nil)
            #expect(listed["verdicts"] as? [String] == ["too_short_to_judge"])
        }
    }

    @Test(arguments: TestBackend.available)
    func aWastefulJobsSummaryCarriesItsVerdicts(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            try await client.send(
                .post,
                "/v1/jobs",
                json: """
                    {"id": "w", "user": "alice", "state": "completed", "requestedCpus": 16, "requestedMemoryMb": 65536,
                     "startTime": "2026-11-29T08:00:00Z", "endTime": "2026-11-29T09:00:00Z"}
                    """
            )
            try await client.send(.put, "/v1/jobs/w/usage", json: #"{"node": "n1", "cpuSeconds": 4320, "peakMemoryMb": 2048}"#)
            let summary = try await client.send(.get, "/v1/jobs/w").json["summary"] as? [String: Any]
            let notes = try #require(summary?["notes"] as? [[String: Any]])
            #expect(notes.compactMap { $0["code"] as? String } == ["cpu_underused", "memory_overrequested"])
            #expect(notes.first?["message"] as? String == "used 1.2 of 16 CPUs on average (7.5 %): ask for fewer")
        }
    }

    @Test(arguments: TestBackend.available)
    func deleteRemovesTheJobAndItsSamples(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            try await client.send(.post, "/v1/jobs", json: #"{"id": "d", "user": "alice"}"#)
            try await client.send(.post, "/v1/jobs/d/metrics", json: #"{"cpuUsage": 1, "memoryUsageMb": 1}"#)
            #expect(try await client.send(.delete, "/v1/jobs/d").status == .noContent)
            try await client.send(.get, "/v1/jobs/d").expectProblem(.notFound)
            try await client.send(.get, "/v1/jobs/d/metrics").expectProblem(.notFound)
            try await client.send(.delete, "/v1/jobs/d").expectProblem(.notFound)
        }
    }
}
