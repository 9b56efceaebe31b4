import EventTransport
import Foundation
import Logging
import ObservabilityCore
import Synchronization
import Testing

@testable import NodeAgent

/// A service that answers what the test says, and remembers what it was sent.
final class ScriptedService: HTTPPoster, Sendable {
    let baseURL = "http://obs"
    private let state = Mutex<(answers: [Result<Int, DeliveryError>], requests: [String])>(([], []))

    func answer(_ answers: [Result<Int, DeliveryError>]) {
        state.withLock { $0.answers = answers }
    }

    var requests: [String] { state.withLock { $0.requests } }

    func send(_ method: String, _ path: String, body: [UInt8], timeoutSeconds: Double) async throws(DeliveryError) -> HTTPAnswer {
        let next = state.withLock { state -> Result<Int, DeliveryError> in
            state.requests.append("\(method) \(path)")
            return state.answers.isEmpty ? .success(201) : state.answers.removeFirst()
        }
        return HTTPAnswer(status: try next.get(), body: "")
    }
}

@Suite("Node agent delivery")
struct HTTPCollectorSinkTests {
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    func samples(_ job: String, _ count: Int) -> [MetricSample] {
        (0..<count).map {
            MetricSample(jobID: job, time: t0.addingTimeInterval(Double($0)), cpuUsage: 50, memoryBytes: 1 << 20, gpuUsage: nil, node: "n1")
        }
    }

    /// The agent's bodies are openapi.yaml's MetricSampleInput and UsageTotals, with RFC 3339
    /// times (a plain JSONEncoder would write a date as seconds since 2001).
    @Test func bodiesAreTheAPIsSchemasWithRFC3339Times() throws {
        let samples = try #require(JSONSerialization.jsonObject(with: Data(HTTPCollectorSink.samplesJSON(samples("42", 1)))) as? [[String: Any]])
        #expect(samples.count == 1)
        #expect(samples[0]["timestamp"] as? String == "2026-05-28T20:26:40.000Z")
        #expect(samples[0]["cpuUsage"] as? Double == 50 && samples[0]["memoryUsageMb"] as? Double == 1 && samples[0]["node"] as? String == "n1")
        let totals = JobUsageTotals(jobID: "42", node: "n1", cpuSeconds: 12.5, peakMemoryBytes: 3 << 20)
        let usage = try #require(JSONSerialization.jsonObject(with: Data(HTTPCollectorSink.totalsJSON(totals))) as? [String: Any])
        #expect(usage["node"] as? String == "n1" && usage["cpuSeconds"] as? Double == 12.5 && usage["peakMemoryMb"] as? Double == 3)
    }

    @Test func samplesWaitWhileTheServiceIsDownAndGoWhenItIsBack() async {
        let service = ScriptedService()
        let sink = HTTPCollectorSink(client: service, capacity: 100, interval: .milliseconds(1), logger: Logger(label: "test"))
        service.answer([.failure(.retryable("connection refused"))])
        let down = await sink.deliver(samples: samples("1", 3), totals: [])
        #expect(down.stored == 0 && down.dropped == 0)
        #expect(await sink.buffered == 3)
        try? await Task.sleep(for: .milliseconds(5))
        let up = await sink.deliver(samples: samples("1", 2), totals: [JobUsageTotals(jobID: "1", node: "n1", cpuSeconds: 9, peakMemoryBytes: 1)])
        #expect(up.stored == 5 && up.dropped == 0)
        #expect(await sink.buffered == 0)
        #expect(service.requests == ["POST /v1/jobs/1/metrics", "POST /v1/jobs/1/metrics", "PUT /v1/jobs/1/usage"])
    }

    /// Where several clusters share the service, the node's cluster chooses the job among those
    /// with the same id, escaped so that a name with `&` or `%` stays one value.
    @Test func theNodesClusterGoesWithEveryRequest() async {
        let service = ScriptedService()
        let sink = HTTPCollectorSink(client: service, capacity: 100, interval: .milliseconds(1), cluster: "beta&1%", logger: Logger(label: "test"))
        let delivered = await sink.deliver(
            samples: samples("7", 1),
            totals: [JobUsageTotals(jobID: "7", node: "n1", cpuSeconds: 1, peakMemoryBytes: 1)]
        )
        #expect(delivered.stored == 1)
        #expect(service.requests == ["POST /v1/jobs/7/metrics?cluster=beta%261%25", "PUT /v1/jobs/7/usage?cluster=beta%261%25"])
    }

    @Test func aFullBufferDropsTheOldestAndCountsThem() async {
        let service = ScriptedService()
        let sink = HTTPCollectorSink(client: service, capacity: 4, interval: .seconds(60), logger: Logger(label: "test"))
        service.answer([.failure(.retryable("down"))])
        _ = await sink.deliver(samples: samples("1", 3), totals: [])
        // Backing off: nothing is sent, the buffer overflows by 2.
        let overflow = await sink.deliver(samples: samples("2", 3), totals: [])
        #expect(overflow.dropped == 2)
        #expect(await sink.buffered == 4)
        #expect(service.requests.count == 1)
    }

    @Test func samplesTheServiceRefusesForGoodAreDroppedAndCounted() async {
        let service = ScriptedService()
        let sink = HTTPCollectorSink(client: service, capacity: 100, interval: .seconds(60), logger: Logger(label: "test"))
        // Jobs go in order of their ids: "known", then "unknown".
        service.answer([.success(201), .success(404)])
        let outcome = await sink.deliver(samples: samples("unknown", 2) + samples("known", 3), totals: [])
        #expect(outcome.dropped == 2 && outcome.stored == 3)
        #expect(await sink.buffered == 0)
    }
}

@Suite("Collector inside the server")
struct StoreCollectorSinkKeyTests {
    func running(_ key: String, cluster: String?) -> RunningJob {
        RunningJob(id: key, user: "ann", partition: nil, cluster: cluster, startTime: nil, latestSample: nil)
    }

    /// The node knows its jobs by the scheduler's id; the store keys them by cluster too.
    @Test func samplesFindTheirJobsKeyByTheSchedulersIdAndTheNodesCluster() {
        let jobs = [
            running("alpha/1", cluster: "alpha"), running("beta/1", cluster: "beta"), running("2", cluster: "alpha"),
            running("beta/3", cluster: "beta"),
        ]
        // Job 2 was stored before clusters were told apart: the store finds it by cluster and id.
        #expect(StoreCollectorSink.keys(of: jobs, cluster: "alpha") == ["1": "alpha/1", "2": "alpha/2"])
        // Without a cluster, an id two clusters' running jobs share is left out, not guessed.
        #expect(StoreCollectorSink.keys(of: jobs, cluster: nil) == ["2": "alpha/2", "3": "beta/3"])
    }
}
