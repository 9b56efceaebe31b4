import Foundation
import NIOCore
import ObservabilityAPI
import ObservabilityCore
import Testing

@testable import ObservabilityServer

/// The job list written by hand (``JSONWriter``) from the core's types says what the generated
/// `Codable` encoding of the generated types built from them says: decoded by the generated
/// decoder it is the generated value, and as JSON it equals `JSONEncoder`'s output. The
/// query is read as the generated code reads it.
@Suite("Job list JSON")
struct JobListJSONTests {
    static func written(_ list: JobListPage) throws -> Data {
        var writer = JSONWriter(capacity: 64)
        try writer.write(list)
        return Data(writer.buffer.readableBytesView)
    }

    /// Times at whole milliseconds, the precision the one time shape keeps.
    static func time(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_780_000_000 + seconds) }

    /// Every field, a cluster's key, and text that must be escaped; ended with a timeout after
    /// idle GPUs and unused CPUs, so it has a summary and verdicts.
    static let full = Job(
        id: "hpc1/42.héllo \"quoted\" \\ back\tslash/\u{1}",
        user: "alice",
        nodes: ["cn001", "cn002"],
        state: .timeout,
        attributes: JobAttributes(
            name: "línea\nbreak",
            partition: "gpu",
            account: "physics",
            cluster: "hpc1",
            requestedCPUs: 64,
            requestedMemoryBytes: 274_878_431_232 + 524_288,
            requestedGPUs: 4
        ),
        exitCode: -9,
        submitTime: time(0.125),
        startTime: time(60),
        endTime: time(3_600.5)
    )

    static let fullUsage = JobUsage(
        nodes: [
            JobUsageTotals(jobID: full.id, node: "cn001", cpuSeconds: 1_000.25, peakMemoryBytes: 3 << 30),
            JobUsageTotals(jobID: full.id, node: "cn002", cpuSeconds: 1e-7, peakMemoryBytes: 1 << 20),
        ],
        gpuSamples: 1_000,
        idleGPUSamples: 999
    )

    /// Running, with no use reported: no summary, and a runtime measured to now.
    static let running = Job(id: "8", user: "carol", nodes: ["cn003"], state: .running, submitTime: time(1), startTime: time(2))

    static let sparse = Job(id: "7", user: "bob", submitTime: time(1))

    static func page(_ jobs: [Job], limit: Int = 3, offset: Int = 0, total: Int = 1_000_000) throws -> JobListPage {
        JobListPage(
            listing: JobListing(jobs: jobs, total: total),
            usage: [full.id: fullUsage],
            page: try JobPage(limit: limit, offset: offset),
            now: time(7_200.25),
            thresholds: JobVerdicts.Thresholds()
        )
    }

    static func generated(_ list: JobListPage) -> Components.Schemas.JobList { Components.Schemas.JobList(list) }

    @Test func theGeneratedDecoderReadsBackTheGeneratedValue() throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            return try RFC3339DateTranscoder().decode(text)
        }
        let full = try Self.page([Self.full, Self.running, Self.sparse])
        let expected = Self.generated(full)
        #expect(expected.jobs.first?.summary != nil && expected.jobs.first?.verdicts?.count ?? 0 >= 2 && expected.nextCursor != nil)
        #expect(expected.jobs.first?.id == "42.héllo \"quoted\" \\ back\tslash/\u{1}")
        for value in [full, try Self.page([], limit: 0, offset: 5, total: 0)] {
            #expect(try decoder.decode(Components.Schemas.JobList.self, from: Self.written(value)) == Self.generated(value))
        }
    }

    @Test func itSaysWhatJSONEncoderSays() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try RFC3339DateTranscoder().encode(date))
        }
        let list = try Self.page([Self.full, Self.running, Self.sparse])
        let mine = try JSONSerialization.jsonObject(with: Self.written(list)) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: encoder.encode(Self.generated(list))) as? NSDictionary
        #expect(mine != nil && mine == theirs)
    }

    @Test func stringsAreEscapedAndNumbersMustBeFinite() throws {
        var writer = JSONWriter(capacity: 8)
        writer.beginObject()
        writer.field("s", "\"\\\n\r\t\u{8}\u{C}\u{1F}é/")
        writer.key("a")
        writer.beginArray()
        writer.integer(-1)
        try writer.number(0.5)
        writer.beginObject()
        writer.endObject()
        writer.endArray()
        writer.endObject()
        #expect(String(buffer: writer.buffer) == #"{"s":"\"\\\n\r\t\b\f\u001fé/","a":[-1,0.5,{}]}"#)
        #expect(throws: JSONWriter.NotANumber.self) { try writer.number(.nan) }
        #expect(throws: JSONWriter.NotANumber.self) { try writer.field("x", Double.infinity) }
    }

    /// Past its first memory, and with every byte of a long string escaped (six bytes each).
    @Test func growsAsItWritesAndEscapesLongStrings() throws {
        var writer = JSONWriter(capacity: 1)
        let controls = String(repeating: "\u{1}", count: 10_000)
        writer.beginArray()
        writer.string(controls)
        writer.integer(.min)
        writer.integer(.max)
        writer.time(Date(timeIntervalSince1970: 9.3e12))
        writer.endArray()
        let decoded = try JSONSerialization.jsonObject(with: Data(writer.buffer.readableBytesView)) as? [Any]
        #expect(decoded?.first as? String == controls)
        #expect(decoded?[1] as? Int64 == .min && decoded?[2] as? Int64 == .max)
        #expect(writer.buffer.readableBytes == 60_000 + 2 + 1 + 20 + 1 + 19 + 1 + 26 + 2 + 2)
    }

    @Test func theQueryIsReadAsFormData() throws {
        let items = try QueryItems("user=a+b%2Bc&node=&user=second&%73tate=running&flag")
        #expect(items["user"] == "a b+c")
        #expect(items["node"] == "")
        #expect(items["state"] == "running")
        #expect(items["flag"] == "")
        #expect(items["missing"] == nil)
        #expect(throws: APIProblem.self) { try QueryItems("user=%zz") }
        let query = try JobListRoute.query("state=running&limit=5&offset=10&since=2026-11-29T08:00:00Z")
        #expect(query.state == .running && query.limit == 5 && query.offset == 10 && query.since == RFC3339.parse("2026-11-29T08:00:00Z"))
    }

    static let points = Components.Schemas.MetricList(
        jobId: "42",
        count: 3,
        samples: [
            .init(
                timestamp: time(0),
                cpuUsage: 12.5,
                memoryUsageMb: 1_024,
                gpuUsage: 99.25,
                node: "gpu01",
                cpuUsageMax: 97,
                memoryUsageMaxMb: 2_048.5,
                gpuUsageMax: 100,
                samples: 60
            ),
            .init(timestamp: time(0), cpuUsage: 0, memoryUsageMb: 0.5, node: "gpu02", cpuUsageMax: 0, memoryUsageMaxMb: 0.5, samples: 1),
            .init(timestamp: time(60.001), cpuUsage: 1e-9, memoryUsageMb: 3e12),
        ]
    )

    /// Samples and points, like the job list: read back by the generated decoder as written,
    /// and the same JSON as `JSONEncoder`'s.
    @Test func samplesAndPointsSayWhatJSONEncoderSays() throws {
        var writer = JSONWriter(capacity: 16)
        try writer.write(Self.points)
        let written = Data(writer.buffer.readableBytesView)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in try RFC3339DateTranscoder().decode(try decoder.singleValueContainer().decode(String.self))
        }
        #expect(try decoder.decode(Components.Schemas.MetricList.self, from: written) == Self.points)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try RFC3339DateTranscoder().encode(date))
        }
        let mine = try JSONSerialization.jsonObject(with: written) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: encoder.encode(Self.points)) as? NSDictionary
        #expect(mine != nil && mine == theirs)
    }

    @Test func theMetricsQueryIsTypedOrRefusedNamingTheField() throws {
        let query = try JobMetricsRoute.query("step=60&limit=10&order=desc&cluster=a%2Fb&from=2026-11-29T08:00:00Z")
        #expect(query.step == 60 && query.limit == 10 && query.order == .desc && query.cluster == "a/b")
        #expect(query.from == RFC3339.parse("2026-11-29T08:00:00Z") && query.to == nil)
        for (bad, field) in [("step=ten", "step"), ("limit=1.5", "limit"), ("order=up", "order"), ("to=yesterday", "to")] {
            let problem = #expect(throws: APIProblem.self) { try JobMetricsRoute.query(bad) }
            #expect(problem?.field == field, "\(bad)")
        }
    }

    @Test func anAcceptHeaderMustAllowJSON() throws {
        try QueryItems.requireJSONAccepted([])
        try QueryItems.requireJSONAccepted(["text/html, application/json;q=0.9"])
        try QueryItems.requireJSONAccepted(["*/*"])
        try QueryItems.requireJSONAccepted(["Application/*; q=0.1"])
        #expect(throws: APIProblem.self) { try QueryItems.requireJSONAccepted(["text/html", "text/plain"]) }
    }
}
