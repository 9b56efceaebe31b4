import CoreMetrics
import Foundation
import ObservabilityAPI
import ObservabilityCore

extension ObservabilityAPIHandler {
    func getJobMetrics(_ input: Operations.GetJobMetrics.Input) async throws -> Operations.GetJobMetrics.Output {
        let query = try APIProblem.parsingQuery { () throws(ValidationError) in
            try SampleQuery(
                from: input.query.from,
                to: input.query.to,
                limit: input.query.limit.map { Int($0) } ?? SampleQuery.defaultLimit,
                order: input.query.order == .desc ? .newestFirst : .oldestFirst
            )
        }
        let key = try await jobKey(input.path.jobId, cluster: input.query.cluster)
        let samples: [Components.Schemas.MetricSample]
        if let step = input.query.step {
            let seconds = try APIProblem.parsingQuery { () throws(ValidationError) in
                guard let seconds = Int(exactly: step) else {
                    throw ValidationError(.outOfRange, field: "step", "must be between 1 and \(SamplePoint.stepSecondsRange.upperBound)")
                }
                try SamplePoint.validateStep(seconds)
                return seconds
            }
            samples = try await store.samplePoints(jobID: key, query, stepSeconds: seconds).map(Components.Schemas.MetricSample.init)
        } else {
            samples = try await store.samples(jobID: key, query).map(Components.Schemas.MetricSample.init)
        }
        return .ok(.init(body: .json(.init(jobId: input.path.jobId, count: Int64(samples.count), samples: samples))))
    }

    func recordJobMetrics(_ input: Operations.RecordJobMetrics.Input) async throws -> Operations.RecordJobMetrics.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedMediaType }
        let now = self.now()
        let inputs: [Components.Schemas.MetricSampleInput]
        switch body {
        case .MetricSampleInput(let single):
            inputs = [single]
        case .case2(let batch):
            inputs = try APIProblem.batch(batch, max: SampleQuery.maxLimit, noun: "sample")
        }
        let jobID = try jobReference(input.path.jobId, cluster: input.query.cluster)
        var samples: [MetricSample] = []
        samples.reserveCapacity(inputs.count)
        for (index, sampleInput) in inputs.enumerated() {
            samples.append(
                try ValidationError.naming(index, of: inputs.count) { () throws(ValidationError) in
                    try MetricSample(jobID: jobID, input: sampleInput, now: now)
                }
            )
        }
        try await store.appendSamples(samples)
        metrics.samplesIngested.increment(by: Int64(samples.count))
        return .created(.init(body: .json(.init(jobId: input.path.jobId, accepted: Int64(samples.count)))))
    }

    func recordJobUsage(_ input: Operations.RecordJobUsage.Input) async throws -> Operations.RecordJobUsage.Output {
        guard case .json(let body) = input.body else { throw APIProblem.unsupportedMediaType }
        let jobID = try jobReference(input.path.jobId, cluster: input.query.cluster)
        try await store.recordUsage([
            JobUsageTotals(
                jobID: jobID,
                node: body.node,
                cpuSeconds: body.cpuSeconds,
                peakMemoryBytes: try MemorySize.bytes(fromMiB: body.peakMemoryMb, field: "peakMemoryMb")
            )
        ])
        return .noContent(.init())
    }
}
