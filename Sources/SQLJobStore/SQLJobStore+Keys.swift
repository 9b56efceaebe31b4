public import ObservabilityCore

extension SQLJobStore {
    public func jobKey(id: String, cluster: String?) async throws -> String? {
        try await read { connection in try Self.resolveKey(id: id, cluster: cluster, adoptingUnclustered: false, on: connection) }
    }

    /// A job the store found for a reference, with what writes of samples check against.
    struct ResolvedJob {
        var key: String
        var cluster: String?
        var requestedCPUs: Int?
    }

    static let resolvedColumns = "id, cluster, requested_cpus"

    /// Every job the scheduler calls `id`, whatever its cluster: jobs keyed by the bare id (those
    /// without a cluster, and those stored before clusters were told apart) and jobs keyed
    /// `cluster/id`. Both halves are index lookups.
    static let keyCandidatesSQL =
        "SELECT \(resolvedColumns) FROM jobs WHERE id = $1 UNION ALL SELECT \(resolvedColumns) FROM jobs WHERE scheduler_id = $1"

    private static func candidates(id: String, on connection: any SQLConnection) throws -> [ResolvedJob] {
        try connection.execute(keyCandidatesSQL, [.text(id)]).rows.map(resolvedJob)
    }

    private static func resolvedJob(_ row: SQLRow) throws(SQLError) -> ResolvedJob {
        ResolvedJob(key: try row.string(0), cluster: try row.optionalString(1), requestedCPUs: try row.optionalInt(2))
    }

    /// The key of the job `id` on `cluster`; see ``resolveJob(id:cluster:adoptingUnclustered:on:)``.
    static func resolveKey(id: String, cluster: String?, adoptingUnclustered: Bool, on connection: any SQLConnection) throws -> String? {
        try resolveJob(id: id, cluster: cluster, adoptingUnclustered: adoptingUnclustered, on: connection)?.key
    }

    /// The job `id` on `cluster` (on any cluster when nil; several throw
    /// ``StoreError/Code/ambiguous``). With `adoptingUnclustered`, a job stored without a cluster
    /// is taken as `cluster`'s: a source that knew the cluster (the poller) then completes what
    /// one that did not (an old hook) began, instead of recording the job twice.
    static func resolveJob(id: String, cluster: String?, adoptingUnclustered: Bool, on connection: any SQLConnection) throws -> ResolvedJob? {
        let candidates = try candidates(id: id, on: connection)
        if let cluster {
            if let match = candidates.first(where: { $0.cluster == cluster }) { return match }
            return adoptingUnclustered ? candidates.first(where: { $0.cluster == nil }) : nil
        }
        guard candidates.count <= 1 else {
            throw StoreError.ambiguousJob(id, clusters: candidates.map { $0.cluster ?? "(none)" }.sorted())
        }
        return candidates.first
    }

    /// The job a sample or a usage report names: by its key, by `cluster/id`, or by the
    /// scheduler's id alone where no other cluster has a job with that id (``JobStore``). A
    /// key or `cluster/id` is one index lookup, the common case of every ingest; a job of that
    /// cluster stored before clusters were told apart keeps the bare id as its key, and is
    /// found by its id and cluster.
    static func resolve(reference: String, on connection: any SQLConnection) throws -> ResolvedJob {
        let (cluster, id) = JobKey.parts(of: reference)
        if cluster != nil, let row = try connection.execute("SELECT \(resolvedColumns) FROM jobs WHERE id = $1", [.text(reference)]).rows.first {
            return try resolvedJob(row)
        }
        guard let job = try resolveJob(id: id, cluster: cluster, adoptingUnclustered: false, on: connection) else {
            throw StoreError.jobNotFound(id, cluster: cluster)
        }
        return job
    }
}
