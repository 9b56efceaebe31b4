public import EventTransport
import Foundation
public import Logging
import ObservabilityAPI
public import ObservabilityCore

/// A node agent's way to the service: `POST /v1/jobs/{jobId}/metrics` per job and
/// `PUT /v1/jobs/{jobId}/usage` for its totals.
///
/// Samples wait in a bounded buffer while the service is unreachable, and sending is retried
/// with back-off (doubling from one interval to five minutes); when the buffer is full the
/// oldest samples go first. Samples the service refuses for good (an unknown job, invalid
/// values) are dropped. Every drop is counted.
public actor HTTPCollectorSink: CollectorSink {
    let client: any HTTPPoster
    let capacity: Int
    let interval: Duration
    let logger: Logger
    /// `?cluster=…` on every path, where several clusters share the service; else empty.
    let clusterQuery: String
    private var buffer: [MetricSample] = []
    private var failures = 0
    private var nextAttempt = ContinuousClock.now

    /// - Parameter cluster: the node's cluster (`CLUSTER_NAME`), where several clusters share
    ///   the service and their job ids meet.
    public init(client: any HTTPPoster, capacity: Int, interval: Duration, cluster: String? = nil, logger: Logger) {
        self.clusterQuery = cluster.map { "?cluster=\($0.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? $0)" } ?? ""
        self.client = client
        self.capacity = max(1, capacity)
        self.interval = interval
        self.logger = logger
    }

    var buffered: Int { buffer.count }

    public func deliver(samples: [MetricSample], totals: [JobUsageTotals]) async -> (stored: Int, dropped: Int) {
        buffer += samples
        var dropped = 0
        if buffer.count > capacity {
            dropped = buffer.count - capacity
            buffer.removeFirst(dropped)
        }
        guard ContinuousClock.now >= nextAttempt else { return (0, dropped) }
        var stored = 0
        let timeout = min(10, interval.seconds)
        // Jobs whose samples were answered leave the buffer together, in one pass.
        var answered = Set<String>()
        defer { buffer.removeAll { answered.contains($0.jobID) } }
        for (jobID, jobSamples) in Dictionary(grouping: buffer, by: \.jobID).sorted(by: { $0.key < $1.key }) {
            let path = "/v1/jobs/\(Self.escaped(jobID))/metrics\(clusterQuery)"
            do throws(DeliveryError) {
                let answer = try await client.send("POST", path, body: Self.samplesJSON(jobSamples), timeoutSeconds: timeout)
                switch answer.status {
                case 200..<300:
                    stored += jobSamples.count
                case 404, 400, 413, 415, 422:
                    dropped += jobSamples.count
                    logger.debug(
                        "service refused samples",
                        metadata: ["jobId": "\(jobID)", "status": "\(answer.status)", "detail": "\(answer.body)"]
                    )
                default:
                    throw DeliveryError.retryable("\(client.baseURL)\(path) answered \(answer.status): \(answer.body)")
                }
                answered.insert(jobID)
            } catch {
                backOff(error)
                return (stored, dropped)
            }
        }
        for total in totals {
            // Latest wins: a failed report is simply sent again next cycle.
            _ = try? await client.send(
                "PUT",
                "/v1/jobs/\(Self.escaped(total.jobID))/usage\(clusterQuery)",
                body: Self.totalsJSON(total),
                timeoutSeconds: timeout
            )
        }
        if failures > 0 { logger.notice("the service takes samples again", metadata: ["failedAttempts": "\(failures)"]) }
        failures = 0
        return (stored, dropped)
    }

    private func backOff(_ error: DeliveryError) {
        failures += 1
        let delay = min(interval * (1 << min(failures - 1, 10)), .seconds(300))
        nextAttempt = .now + delay
        if failures == 1 || failures % 10 == 0 {
            logger.warning(
                "cannot send samples; buffering and retrying",
                metadata: [
                    "error": "\(error)", "buffered": "\(buffer.count)", "retryIn": "\(delay)",
                ]
            )
        }
    }

    /// Job ids are printable ASCII without `/ ? # % \\ " '` and spaces (``JobLimits``): safe in
    /// a path as they are, except `[` and `]` of PBS array ids.
    /// RFC 3986's unreserved characters: everything else in a query value is percent-encoded.
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func escaped(_ jobID: String) -> String {
        jobID.replacingOccurrences(of: "[", with: "%5B").replacingOccurrences(of: "]", with: "%5D")
    }

    /// The bodies are openapi.yaml's own types, with its date-time format (RFC 3339).
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return encoder
    }()

    static func samplesJSON(_ samples: [MetricSample]) -> [UInt8] {
        let bodies = samples.map { sample in
            Components.Schemas.MetricSampleInput(
                timestamp: sample.time,
                cpuUsage: sample.cpuUsage,
                memoryUsageMb: MemorySize.mebibytes(fromBytes: sample.memoryBytes),
                gpuUsage: sample.gpuUsage,
                node: sample.node
            )
        }
        return Array((try? encoder.encode(bodies)) ?? Data("[]".utf8))
    }

    static func totalsJSON(_ total: JobUsageTotals) -> [UInt8] {
        let body = Components.Schemas.UsageTotals(
            node: total.node,
            cpuSeconds: total.cpuSeconds,
            peakMemoryMb: MemorySize.mebibytes(fromBytes: total.peakMemoryBytes)
        )
        return Array((try? encoder.encode(body)) ?? Data("{}".utf8))
    }
}
