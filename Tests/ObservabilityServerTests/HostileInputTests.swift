import Foundation
import Hummingbird
import HummingbirdTesting
import ObservabilityCore
import ObservabilityServer
import TestSupport
import Testing

/// Requests an attacker would send: each once ended the process (a trap) or was kept by a
/// hook and refused by the server. Every one must be a 4xx problem and leave nothing behind.
@Suite("Hostile input")
struct HostileInputTests {
    /// Not RFC 3339 (the parser once took six-digit years): refused as it is read.
    static let unreadableTimes = ["300000-01-01T00:00:00Z", "+300000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z"]
    /// Well formed, but outside the times the service keeps: refused naming the field.
    static let farTimes = ["2300-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1969-12-31T23:59:59Z", "0000-01-01T00:00:00Z"]

    @Test(arguments: TestBackend.available)
    func timesOutsideTheKeptRangeAreBadRequestsInQueries(backend: TestBackend) async throws {
        try await withAPI(backend) { client, _ in
            try await client.send(.post, "/v1/jobs", json: #"{"id": "t", "user": "alice"}"#)
            for time in Self.unreadableTimes + Self.farTimes {
                let encoded = time.replacingOccurrences(of: "+", with: "%2B")
                let named = Self.farTimes.contains(time)
                try await client.send(.get, "/v1/jobs?since=\(encoded)").expectProblem(.badRequest, field: named ? "since" : nil)
                try await client.send(.get, "/v1/jobs?until=\(encoded)").expectProblem(.badRequest, field: named ? "until" : nil)
                try await client.send(.get, "/v1/jobs/t/metrics?from=\(encoded)").expectProblem(.badRequest, field: named ? "from" : nil)
                try await client.send(.get, "/v1/jobs/t/metrics?to=\(encoded)").expectProblem(.badRequest, field: named ? "to" : nil)
            }
            // The server is still there and the edges of the range are accepted.
            #expect(try await client.send(.get, "/v1/jobs?since=1970-01-01T00:00:00Z&until=2200-01-01T00:00:00Z").json["total"] as? Int == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func timesOutsideTheKeptRangeAreRefusedInEveryBody(backend: TestBackend) async throws {
        try await withAPI(backend) { client, store in
            try await client.send(.post, "/v1/jobs", json: #"{"id": "t", "user": "alice", "state": "running"}"#)
            for time in Self.unreadableTimes + Self.farTimes {
                let status: HTTPResponse.Status = Self.farTimes.contains(time) ? .unprocessableContent : .badRequest
                func field(_ name: String) -> String? { status == .badRequest ? nil : name }
                try await client.send(.post, "/v1/jobs", json: #"{"id": "new", "user": "alice", "submitTime": "\#(time)"}"#)
                    .expectProblem(status, field: field("submitTime"))
                try await client.send(.patch, "/v1/jobs/t", json: #"{"endTime": "\#(time)"}"#).expectProblem(status, field: field("endTime"))
                try await client.send(.post, "/v1/jobs/t/metrics", json: #"{"timestamp": "\#(time)", "cpuUsage": 1, "memoryUsageMb": 1}"#)
                    .expectProblem(status, field: field("timestamp"))
                try await client.send(
                    .post,
                    "/v1/events",
                    json: #"{"eventId": "e", "jobId": "ev", "kind": "started", "time": "\#(time)", "user": "alice"}"#
                )
                .expectProblem(status, field: field("time"))
                try await client.send(
                    .post,
                    "/v1/events",
                    json:
                        #"{"eventId": "e", "jobId": "ev", "kind": "started", "time": "2026-11-29T08:00:00Z", "startTime": "\#(time)", "user": "alice"}"#
                ).expectProblem(status, field: field("startTime"))
            }
            #expect(try await store.job(id: "new") == nil)
            #expect(try await store.job(id: "ev") == nil)
            #expect(try await store.samples(jobID: "t", SampleQuery()).isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func sizesPastTheLimitsAreRefusedNotConverted(backend: TestBackend) async throws {
        try await withAPI(backend) { client, store in
            try await client.send(.post, "/v1/jobs", json: #"{"id": "s", "user": "alice", "state": "running"}"#)
            for memory in ["8796093022208", "1e300", "1099511627777"] {
                try await client.send(.post, "/v1/jobs", json: #"{"id": "m", "user": "alice", "requestedMemoryMb": \#(memory)}"#)
                    .expectProblem(.unprocessableContent, field: "requestedMemoryMb")
                try await client.send(.post, "/v1/jobs/s/metrics", json: #"{"cpuUsage": 1, "memoryUsageMb": \#(memory)}"#)
                    .expectProblem(.unprocessableContent, field: "memoryUsageMb")
                try await client.send(.put, "/v1/jobs/s/usage", json: #"{"node": "n1", "cpuSeconds": 1, "peakMemoryMb": \#(memory)}"#)
                    .expectProblem(.unprocessableContent)
            }
            try await client.send(.post, "/v1/jobs/s/metrics", json: #"{"cpuUsage": 1e300, "memoryUsageMb": 1}"#).expectProblem(
                .unprocessableContent,
                field: "cpuUsage"
            )
            try await client.send(.put, "/v1/jobs/s/usage", json: #"{"node": "n1", "cpuSeconds": 1e300, "peakMemoryMb": 1}"#).expectProblem(
                .unprocessableContent
            )
            for count in ["9223372036854775807", "-9223372036854775808", "1e30", "18446744073709551616"] {
                let response = try await client.send(
                    .post,
                    "/v1/jobs",
                    json: #"{"id": "c", "user": "alice", "requestedCpus": \#(count), "exitCode": \#(count)}"#
                )
                #expect(response.status == .badRequest || response.status == .unprocessableContent)
            }
            // The largest accepted size reads back exactly.
            let largest = try await client.send(.post, "/v1/jobs", json: #"{"id": "big", "user": "alice", "requestedMemoryMb": 1099511627776}"#)
            #expect(largest.status == .created)
            #expect(largest.json["requestedMemoryMb"] as? Double == 1_099_511_627_776)
            #expect(try await store.job(id: "m") == nil)
            #expect(try await store.samples(jobID: "s", SampleQuery()).isEmpty)
        }
    }
}
