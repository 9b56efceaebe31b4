import Foundation
import HTTPTypes
import Hummingbird
import ObservabilityAPI
import ObservabilityCore

/// `GET /v1/jobs/{jobId}/metrics`, served beside the generated routes as ``JobListRoute`` is:
/// the same handler and checks, the answer written by ``JSONWriter``. A chart of a long job
/// asks for a thousand points or more at a time, and `JSONEncoder` took a quarter of the time
/// of such an answer.
struct JobMetricsRoute {
    static let method = HTTPRequest.Method.get
    static let path = "/v1/jobs/{jobId}/metrics"

    let handler: ObservabilityAPIHandler

    func register(on router: Router<BasicRequestContext>) {
        router.on(RouterPath("/v1/jobs/:jobId/metrics"), method: Self.method) { request, context in
            try await respond(to: request, jobID: try context.parameters.require("jobId"))
        }
    }

    /// `jobID` as the path holds it, percent-encoded.
    func respond(to request: Request, jobID: String) async throws -> Response {
        try QueryItems.requireJSONAccepted(request.headers[values: .accept])
        guard let id = jobID.removingPercentEncoding else {
            throw APIProblem.badRequest("the job id in the path is not percent-encoded: '\(jobID.prefix(64))'")
        }
        let input = Operations.GetJobMetrics.Input(path: .init(jobId: id), query: try Self.query(request.uri.query ?? ""))
        guard case .ok(let answer) = try await handler.getJobMetrics(input), case .json(let list) = answer.body else {
            throw APIProblem.handlerFailed
        }
        var writer = JSONWriter(capacity: 128 + list.samples.count * 192)
        try writer.write(list)
        return writer.response
    }

    /// The query parameters, typed; a value of the wrong type is a 400 naming it.
    static func query(_ text: String) throws -> Operations.GetJobMetrics.Input.Query {
        let items = try QueryItems(text)
        return try APIProblem.parsingQuery { () throws(ValidationError) in
            Operations.GetJobMetrics.Input.Query(
                cluster: items["cluster"],
                from: try items.time("from"),
                to: try items.time("to"),
                limit: try items.integer("limit"),
                order: try items["order"].map { value throws(ValidationError) in
                    guard let order = Operations.GetJobMetrics.Input.Query.OrderPayload(rawValue: value) else {
                        throw ValidationError(.unknownValue, field: "order", "must be asc or desc, got '\(value.prefix(16))'")
                    }
                    return order
                },
                step: try items.integer("step")
            )
        }
    }
}

/// A job's samples or points as `JSONEncoder` would write the generated types.
extension JSONWriter {
    mutating func write(_ list: Components.Schemas.MetricList) throws(NotANumber) {
        beginObject()
        field("jobId", list.jobId)
        field("count", list.count)
        key("samples")
        beginArray()
        for sample in list.samples {
            beginObject()
            field("timestamp", sample.timestamp)
            try field("cpuUsage", sample.cpuUsage)
            try field("memoryUsageMb", sample.memoryUsageMb)
            try field("gpuUsage", sample.gpuUsage)
            field("node", sample.node)
            try field("cpuUsageMax", sample.cpuUsageMax)
            try field("memoryUsageMaxMb", sample.memoryUsageMaxMb)
            try field("gpuUsageMax", sample.gpuUsageMax)
            field("samples", sample.samples)
            endObject()
        }
        endArray()
        endObject()
    }
}
