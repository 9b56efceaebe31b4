import ObservabilityAPI

/// The job list as `JSONEncoder` would write the generated types, field for field: absent
/// optional fields left out, times in the service's one shape. Tests decode what this writes
/// with the generated decoder and compare it with the value written.
extension JSONWriter {
    mutating func write(_ list: Components.Schemas.JobList) throws(NotANumber) {
        beginObject()
        key("jobs")
        beginArray()
        for job in list.jobs { try write(job) }
        endArray()
        field("total", list.total)
        field("limit", list.limit)
        field("offset", list.offset)
        field("nextCursor", list.nextCursor)
        endObject()
    }

    mutating func write(_ job: Components.Schemas.Job) throws(NotANumber) {
        beginObject()
        field("id", job.id)
        field("user", job.user)
        field("nodes", job.nodes)
        field("state", job.state.rawValue)
        field("name", job.name)
        field("partition", job.partition)
        field("account", job.account)
        field("cluster", job.cluster)
        field("requestedCpus", job.requestedCpus)
        try field("requestedMemoryMb", job.requestedMemoryMb)
        field("requestedGpus", job.requestedGpus)
        field("exitCode", job.exitCode)
        field("submitTime", job.submitTime)
        field("startTime", job.startTime)
        field("endTime", job.endTime)
        try field("runtimeSeconds", job.runtimeSeconds)
        if let summary = job.summary {
            key("summary")
            try write(summary)
        }
        if let verdicts = job.verdicts { field("verdicts", verdicts.map(\.rawValue)) }
        endObject()
    }

    mutating func write(_ summary: Components.Schemas.JobSummary) throws(NotANumber) {
        beginObject()
        try field("cpuSeconds", summary.cpuSeconds)
        try field("peakMemoryMb", summary.peakMemoryMb)
        try field("elapsedSeconds", summary.elapsedSeconds)
        try field("cpuEfficiencyPercent", summary.cpuEfficiencyPercent)
        try field("memoryEfficiencyPercent", summary.memoryEfficiencyPercent)
        try field("gpuIdlePercent", summary.gpuIdlePercent)
        if let notes = summary.notes {
            key("notes")
            beginArray()
            for note in notes {
                beginObject()
                field("code", note.code.rawValue)
                field("message", note.message)
                endObject()
            }
            endArray()
        }
        endObject()
    }
}
