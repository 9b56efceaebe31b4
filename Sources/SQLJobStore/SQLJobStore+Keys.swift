public import ObservabilityCore

extension SQLJobStore {
    public func jobKey(id: String, cluster: String?) async throws -> String? {
        try await read { connection in try Self.resolveKey(id: id, cluster: cluster, adoptingUnclustered: false, on: connection) }
    }

    /// Every job the scheduler calls `id`, whatever its cluster: jobs keyed by the bare id (those
    /// without a cluster, and those stored before clusters were told apart) and jobs keyed
    /// `cluster/id`. Both halves are index lookups.
    static let keyCandidatesSQL = "SELECT id, cluster FROM jobs WHERE id = $1 UNION ALL SELECT id, cluster FROM jobs WHERE scheduler_id = $1"

    /// The key of the job `id` on `cluster` (on any cluster when nil; several throw
    /// ``StoreError/Code/ambiguous``). With `adoptingUnclustered`, a job stored without a cluster
    /// is taken as `cluster`'s: a source that knew the cluster (the poller) then completes what
    /// one that did not (an old hook) began, instead of recording the job twice.
    static func resolveKey(id: String, cluster: String?, adoptingUnclustered: Bool, on connection: any SQLConnection) throws -> String? {
        let candidates = try connection.execute(keyCandidatesSQL, [.text(id)]).rows.map { row throws(SQLError) in
            (key: try row.string(0), cluster: try row.optionalString(1))
        }
        if let cluster {
            if let match = candidates.first(where: { $0.cluster == cluster }) { return match.key }
            return adoptingUnclustered ? candidates.first(where: { $0.cluster == nil })?.key : nil
        }
        guard candidates.count <= 1 else {
            throw StoreError.ambiguousJob(id, clusters: candidates.map { $0.cluster ?? "(none)" }.sorted())
        }
        return candidates.first?.key
    }
}
