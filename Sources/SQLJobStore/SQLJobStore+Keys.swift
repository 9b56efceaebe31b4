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

    static func candidates(id: String, on connection: any SQLConnection) throws -> [ResolvedJob] {
        try connection.execute(keyCandidatesSQL, [.text(id)]).rows.map { row throws(SQLError) in
            ResolvedJob(key: try row.string(0), cluster: try row.optionalString(1), requestedCPUs: try row.optionalInt(2))
        }
    }

    /// The key of the job `id` on `cluster` (on any cluster when nil; several throw
    /// ``StoreError/Code/ambiguous``). With `adoptingUnclustered`, a job stored without a cluster
    /// is taken as `cluster`'s: a source that knew the cluster (the poller) then completes what
    /// one that did not (an old hook) began, instead of recording the job twice.
    static func resolveKey(id: String, cluster: String?, adoptingUnclustered: Bool, on connection: any SQLConnection) throws -> String? {
        let candidates = try candidates(id: id, on: connection)
        if let cluster {
            if let match = candidates.first(where: { $0.cluster == cluster }) { return match.key }
            return adoptingUnclustered ? candidates.first(where: { $0.cluster == nil })?.key : nil
        }
        return try only(of: candidates, id: id)?.key
    }

    /// The job a sample or a usage report names: by its key, by `cluster/id`, or by the
    /// scheduler's id alone where no other cluster has a job with that id (``JobStore``). A
    /// key or `cluster/id` is one index lookup, the common case of every ingest.
    static func resolve(reference: String, on connection: any SQLConnection) throws -> ResolvedJob {
        guard let slash = reference.utf8.lastIndex(of: UInt8(ascii: "/")) else {
            guard let job = try only(of: try candidates(id: reference, on: connection), id: reference) else {
                throw StoreError.jobNotFound(reference)
            }
            return job
        }
        if let row = try connection.execute("SELECT \(resolvedColumns) FROM jobs WHERE id = $1", [.text(reference)]).rows.first {
            return ResolvedJob(key: try row.string(0), cluster: try row.optionalString(1), requestedCPUs: try row.optionalInt(2))
        }
        // A job of that cluster stored before clusters were told apart keeps the bare id as its key.
        let cluster = String(reference[..<slash])
        let id = String(reference[reference.index(after: slash)...])
        guard let job = try candidates(id: id, on: connection).first(where: { $0.cluster == cluster }) else {
            throw StoreError.jobNotFound(id, cluster: cluster)
        }
        return job
    }

    private static func only(of candidates: [ResolvedJob], id: String) throws(StoreError) -> ResolvedJob? {
        guard candidates.count <= 1 else {
            throw StoreError.ambiguousJob(id, clusters: candidates.map { $0.cluster ?? "(none)" }.sorted())
        }
        return candidates.first
    }
}
