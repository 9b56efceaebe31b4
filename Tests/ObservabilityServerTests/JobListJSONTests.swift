import Foundation
import NIOCore
import ObservabilityAPI
import ObservabilityCore
import Testing

@testable import ObservabilityServer

/// The job list written by hand (``JSONWriter``) says what the generated `Codable` encoding
/// says: decoded by the generated decoder it is the value written, and as JSON it equals
/// `JSONEncoder`'s output. The query is read as the generated code reads it.
@Suite("Job list JSON")
struct JobListJSONTests {
    static func written(_ list: Components.Schemas.JobList) throws -> Data {
        var writer = JSONWriter(capacity: 64)
        try writer.write(list)
        return Data(writer.buffer.readableBytesView)
    }

    /// Times at whole milliseconds, the precision the one time shape keeps.
    static func time(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_780_000_000 + seconds) }

    static let full = Components.Schemas.Job(
        id: "42.héllo \"quoted\" \\ back\tslash/\u{1}",
        user: "alice",
        nodes: ["cn001", "cn002"],
        state: .completed,
        name: "línea\nbreak",
        partition: "gpu",
        account: "physics",
        cluster: "hpc1",
        requestedCpus: 64,
        requestedMemoryMb: 262_144.5,
        requestedGpus: 4,
        exitCode: -9,
        submitTime: time(0.125),
        startTime: time(60),
        endTime: time(3_600.5),
        runtimeSeconds: 3_540.375,
        summary: .init(
            cpuSeconds: 1e-7,
            peakMemoryMb: 1.5e20,
            elapsedSeconds: 0,
            cpuEfficiencyPercent: 12.3,
            memoryEfficiencyPercent: nil,
            gpuIdlePercent: 99.9,
            notes: [.init(code: .gpusIdle, message: "GPUs idle 99.9 % of the time")]
        ),
        verdicts: [.gpusIdle, .cpuUnderused]
    )

    static let sparse = Components.Schemas.Job(
        id: "7",
        user: "bob",
        nodes: [],
        state: .pending,
        submitTime: time(1),
        runtimeSeconds: 0
    )

    static let list = Components.Schemas.JobList(jobs: [full, sparse], total: 1_000_000, limit: 2, offset: 0, nextCursor: "djEuMS43")

    @Test func theGeneratedDecoderReadsBackTheValueWritten() throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            return try RFC3339DateTranscoder().decode(text)
        }
        for value in [Self.list, .init(jobs: [], total: 0, limit: 0, offset: 5, nextCursor: nil)] {
            #expect(try decoder.decode(Components.Schemas.JobList.self, from: Self.written(value)) == value)
        }
    }

    @Test func itSaysWhatJSONEncoderSays() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try RFC3339DateTranscoder().encode(date))
        }
        let mine = try JSONSerialization.jsonObject(with: Self.written(Self.list)) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: encoder.encode(Self.list)) as? NSDictionary
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
