import ObservabilityCore

/// How a ``Job`` maps to a row of `jobs`: one column list, used by every `SELECT` and write,
/// so the order cannot drift between queries.
enum JobRow {
    static let columns = [
        "id", "user_name", "name", "state", "partition_name", "account", "cluster", "nodes",
        "requested_cpus", "requested_memory_bytes", "requested_gpus", "exit_code",
        "submit_time_us", "start_time_us", "end_time_us", "scheduler_id",
    ]
    static let selectList = columns.joined(separator: ", ")
    /// `user_name = $2, …` for an `UPDATE … WHERE id = $1`.
    static let updateAssignments = columns.enumerated().dropFirst().map { "\($1) = $\($0 + 1)" }.joined(separator: ", ")

    /// Nodes are kept in one column, comma-separated (node names cannot hold commas), for
    /// reading, and in `job_nodes` for filtering by node.
    static func encodeNodes(_ nodes: [String]) -> String { nodes.joined(separator: ",") }

    static func decodeNodes(_ text: String) -> [String] {
        // Most jobs run on one node: its name is the text.
        guard text.utf8.contains(UInt8(ascii: ",")) else { return text.isEmpty ? [] : [text] }
        return text.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
    }

    static func binds(_ job: Job) -> [SQLValue] {
        [
            .text(job.id), .text(job.user), SQLValue(job.name), .text(job.state.rawValue),
            SQLValue(job.partition), SQLValue(job.account), SQLValue(job.cluster), .text(encodeNodes(job.nodes)),
            SQLValue(job.requestedCPUs), SQLValue(job.requestedMemoryBytes), SQLValue(job.requestedGPUs), SQLValue(job.exitCode),
            SQLTime.value(job.submitTime), SQLTime.value(job.startTime), SQLTime.value(job.endTime),
            SQLValue(job.schedulerID == job.id ? nil : job.schedulerID),
        ]
    }

    /// Decodes the columns of ``selectList`` starting at `offset`; `scheduler_id` is read back
    /// from the key and cluster (``Job/schedulerID``), so the last column is not.
    static func decode(_ row: some SQLColumns, offset: Int = 0) throws(SQLError) -> Job {
        let stateText = try row.string(offset + 3)
        guard let state = JobState(rawValue: stateText) else {
            throw SQLError(.unexpectedResult, "job row holds unknown state '\(stateText)'")
        }
        return Job(
            id: try row.string(offset),
            user: try row.string(offset + 1),
            nodes: decodeNodes(try row.string(offset + 7)),
            state: state,
            attributes: JobAttributes(
                name: try row.optionalString(offset + 2),
                partition: try row.optionalString(offset + 4),
                account: try row.optionalString(offset + 5),
                cluster: try row.optionalString(offset + 6),
                requestedCPUs: try row.optionalInt(offset + 8),
                requestedMemoryBytes: try row.optionalInt64(offset + 9),
                requestedGPUs: try row.optionalInt(offset + 10)
            ),
            exitCode: try row.optionalInt(offset + 11),
            submitTime: try row.date(offset + 12),
            startTime: try row.optionalDate(offset + 13),
            endTime: try row.optionalDate(offset + 14)
        )
    }
}
