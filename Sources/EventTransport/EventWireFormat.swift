public import ObservabilityCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Lifecycle events as `POST /v1/events` takes them (openapi.yaml's `LifecycleEvent`), which
/// is also how they are kept in the spool: a spooled file is a request body, replayable over
/// HTTP or decoded back for the store.
public enum EventWireFormat {
    private struct WireEvent: Codable {
        var eventId: String
        var jobId: String
        var kind: LifecycleEvent.Kind
        var time: String
        var user: String
        var nodes: [String]?
        var finalState: JobState?
        var exitCode: Int?
        var name: String?
        var partition: String?
        var account: String?
        var cluster: String?
        var requestedCpus: Int?
        var requestedMemoryMb: Double?
        var requestedGpus: Int?
        var submitTime: String?
        var startTime: String?
        var usage: WireUsage?
    }

    private struct WireUsage: Codable {
        var node: String
        var cpuSeconds: Double
        var peakMemoryMb: Double
    }

    /// One event as a JSON object.
    public static func encode(_ event: LifecycleEvent) -> [UInt8] {
        let wire = WireEvent(
            eventId: event.id,
            jobId: event.jobID,
            kind: event.kind,
            time: format(event.time),
            user: event.user,
            nodes: event.nodes.isEmpty ? nil : event.nodes,
            finalState: event.finalState,
            exitCode: event.exitCode,
            name: event.name,
            partition: event.partition,
            account: event.account,
            cluster: event.cluster,
            requestedCpus: event.requestedCPUs,
            requestedMemoryMb: event.requestedMemoryBytes.map(MemorySize.mebibytes(fromBytes:)),
            requestedGpus: event.requestedGPUs,
            submitTime: event.submitTime.map(format),
            startTime: event.startTime.map(format),
            usage: event.usage.map {
                WireUsage(node: $0.node, cpuSeconds: $0.cpuSeconds, peakMemoryMb: MemorySize.mebibytes(fromBytes: $0.peakMemoryBytes))
            }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every field is a string, number or array of strings: encoding cannot fail.
        return Array((try? encoder.encode(wire)) ?? Data("{}".utf8))
    }

    /// Bodies of several events as one JSON array, the batch form of `POST /v1/events`.
    public static func batch(_ bodies: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, body) in bodies.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: body)
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    /// An event from a spooled body; nil when the file is not one (truncated, edited).
    ///
    /// A memory figure the service would not keep is left out rather than converted (a spool
    /// file is outside data: an edited or old one must not trap the reader); the rest of the
    /// event is checked by its consumer as any other event is.
    public static func decode(_ bytes: [UInt8]) -> LifecycleEvent? {
        guard let wire = try? JSONDecoder().decode(WireEvent.self, from: Data(bytes)),
            let time = RFC3339.parse(wire.time)
        else { return nil }
        var usage: LifecycleEvent.Usage?
        if let wireUsage = wire.usage, let bytes = try? MemorySize.bytes(fromMiB: wireUsage.peakMemoryMb, field: "usage.peakMemoryMb") {
            usage = LifecycleEvent.Usage(node: wireUsage.node, cpuSeconds: wireUsage.cpuSeconds, peakMemoryBytes: bytes)
        }
        return LifecycleEvent(
            id: wire.eventId,
            jobID: wire.jobId,
            kind: wire.kind,
            time: time,
            user: wire.user,
            nodes: wire.nodes ?? [],
            finalState: wire.finalState,
            exitCode: wire.exitCode,
            attributes: JobAttributes(
                name: wire.name,
                partition: wire.partition,
                account: wire.account,
                cluster: wire.cluster,
                requestedCPUs: wire.requestedCpus,
                requestedMemoryBytes: wire.requestedMemoryMb.flatMap { try? MemorySize.bytes(fromMiB: $0, field: "requestedMemoryMb") },
                requestedGPUs: wire.requestedGpus
            ),
            submitTime: wire.submitTime.flatMap(RFC3339.parse),
            startTime: wire.startTime.flatMap(RFC3339.parse),
            usage: usage
        )
    }

    private static func format(_ date: Date) -> String {
        RFC3339.format(date)
    }
}
