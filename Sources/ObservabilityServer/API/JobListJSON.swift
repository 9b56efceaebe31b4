import ObservabilityCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The job list written from the core's types, as `JSONEncoder` would write the generated
/// ones built from them (``ObservabilityAPIHandler/listJobs(_:)``), field for field: absent
/// optional fields left out, times in the service's one shape. Building a generated `Job`
/// for each entry first cost as much as writing it. Tests decode what this writes with the
/// generated decoder and compare it with the generated value.
extension JSONWriter {
    mutating func write(_ list: JobListPage) throws(NotANumber) {
        beginObject()
        key("jobs")
        beginArray()
        try list.forEachEntry { job, summary, verdicts throws(NotANumber) in
            try write(job, now: list.now, summary: summary, verdicts: verdicts)
        }
        endArray()
        field("total", Int64(list.listing.total))
        field("limit", Int64(list.page.limit))
        field("offset", Int64(list.page.offset))
        field("nextCursor", list.nextCursor)
        endObject()
    }

    /// A job as a list shows it: its summary without notes, and its verdicts' codes.
    private mutating func write(_ job: Job, now: Date, summary: JobSummary?, verdicts: [JobNote]) throws(NotANumber) {
        beginObject()
        field("id", job.schedulerID)
        field("user", job.user)
        field("nodes", job.nodes)
        field("state", job.state.rawValue)
        field("name", job.name)
        field("partition", job.partition)
        field("account", job.account)
        field("cluster", job.cluster)
        field("requestedCpus", job.requestedCPUs.map(Int64.init))
        try field("requestedMemoryMb", job.requestedMemoryBytes.map(MemorySize.mebibytes(fromBytes:)))
        field("requestedGpus", job.requestedGPUs.map(Int64.init))
        field("exitCode", job.exitCode.map(Int64.init))
        field("submitTime", job.submitTime)
        field("startTime", job.startTime)
        field("endTime", job.endTime)
        try field("runtimeSeconds", job.runtime(at: now))
        if let summary {
            key("summary")
            beginObject()
            try field("cpuSeconds", summary.cpuSeconds)
            try field("peakMemoryMb", MemorySize.mebibytes(fromBytes: summary.peakMemoryBytes))
            try field("elapsedSeconds", summary.elapsedSeconds)
            try field("cpuEfficiencyPercent", summary.cpuEfficiencyPercent)
            try field("memoryEfficiencyPercent", summary.memoryEfficiencyPercent)
            try field("gpuIdlePercent", summary.gpuIdlePercent)
            endObject()
        }
        key("verdicts")
        beginArray()
        for verdict in verdicts { string(verdict.code.rawValue) }
        endArray()
        endObject()
    }
}
