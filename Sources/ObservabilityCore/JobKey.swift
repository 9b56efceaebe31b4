/// How the store tells two clusters' job `123` apart while every interface names a job by the
/// scheduler's id and, where it matters, its cluster.
///
/// A job's ``Job/id`` is its key in the store: the scheduler's id for a job whose cluster is
/// not known, `cluster/id` for one whose cluster is. Job ids cannot hold `/`, so a key is never
/// mistaken for a scheduler's id. Jobs stored before clusters were told apart keep the
/// scheduler's id as their key whatever their cluster, which is why the id is read back with
/// ``schedulerID(of:cluster:)`` rather than by splitting the key.
public enum JobKey {
    /// The key a new job gets.
    public static func make(schedulerID: String, cluster: String?) -> String {
        cluster.map { "\($0)/\(schedulerID)" } ?? schedulerID
    }

    /// A reference to a job (a key, `cluster/id`, or the scheduler's id alone) split into its
    /// cluster and id. Job ids cannot hold `/`, so the id is what follows the last one.
    public static func parts(of reference: String) -> (cluster: String?, id: String) {
        guard let slash = reference.utf8.lastIndex(of: UInt8(ascii: "/")) else { return (nil, reference) }
        return (String(reference[..<slash]), String(reference[reference.index(after: slash)...]))
    }

    /// The scheduler's id of the job stored under `key`. The prefix is compared byte for byte:
    /// `hasPrefix` would take a cluster spelled with other Unicode scalars (`e` and a combining
    /// accent for `é`) as the key's, and cut the key at the wrong byte.
    public static func schedulerID(of key: String, cluster: String?) -> String {
        guard let cluster else { return key }
        let prefix = Array(cluster.utf8) + [UInt8(ascii: "/")]
        guard key.utf8.count > prefix.count, key.utf8.starts(with: prefix) else { return key }
        return String(decoding: key.utf8.dropFirst(prefix.count), as: UTF8.self)
    }

    /// The id under which an event of `cluster` is remembered as applied: two clusters' hooks
    /// give the same occurrence ids to their own jobs with the same number. A space separates
    /// them because neither a cluster name nor an event id may hold one.
    public static func appliedEventID(_ eventID: String, cluster: String?) -> String {
        cluster.map { "\($0) \(eventID)" } ?? eventID
    }
}

extension Job {
    /// The scheduler's id (`123`, `120_2`, `42.server`): what users, the API and `/metrics` call the job.
    public var schedulerID: String { JobKey.schedulerID(of: id, cluster: attributes.cluster) }
}

extension RunningJob {
    /// The scheduler's id; see ``Job/schedulerID``.
    public var schedulerID: String { JobKey.schedulerID(of: id, cluster: cluster) }
}
