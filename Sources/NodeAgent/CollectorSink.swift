public import ObservabilityCore

/// Where a collector cycle's samples and totals go: the store, inside the server, or the
/// service over HTTP, from a node agent.
public protocol CollectorSink: Sendable {
    /// Takes one cycle's samples and each current job's totals so far; returns how many
    /// samples were stored now and how many were dropped for good.
    func deliver(samples: [MetricSample], totals: [JobUsageTotals]) async -> (stored: Int, dropped: Int)
}

/// Inside the server: straight into the store, for jobs the store has as running (a job the
/// poller has not recorded yet would make the whole batch fail).
public struct StoreCollectorSink: CollectorSink {
    let store: any JobStore
    let cluster: String?

    /// - Parameter cluster: the node's cluster, where several share the service; without it a
    ///   job id that two clusters' running jobs share is left out.
    public init(store: any JobStore, cluster: String? = nil) {
        self.store = store
        self.cluster = cluster
    }

    public func deliver(samples: [MetricSample], totals: [JobUsageTotals]) async -> (stored: Int, dropped: Int) {
        do {
            let keys = Self.keys(of: try await store.runningJobs(), cluster: cluster)
            let known = samples.compactMap { sample in
                keys[sample.jobID].map { key in
                    var sample = sample
                    sample.jobID = key
                    return sample
                }
            }
            if !known.isEmpty { try await store.appendSamples(known) }
            let knownTotals = totals.compactMap { total in
                keys[total.jobID].map { key in
                    var total = total
                    total.jobID = key
                    return total
                }
            }
            if !knownTotals.isEmpty { try await store.recordUsage(knownTotals) }
            return (known.count, samples.count - known.count)
        } catch {
            return (0, samples.count)
        }
    }

    /// How the store is to find each running job (`cluster/id`, ``JobStore/appendSamples(_:)``)
    /// by the scheduler's id the node knows it by: of `cluster`'s jobs where it is given, else
    /// of the jobs whose id no other running job has.
    static func keys(of running: [RunningJob], cluster: String?) -> [String: String] {
        var keys: [String: String] = [:]
        var shared = Set<String>()
        for job in running where cluster == nil || job.cluster == cluster {
            let reference = JobKey.make(schedulerID: job.schedulerID, cluster: job.cluster)
            if keys.updateValue(reference, forKey: job.schedulerID) != nil { shared.insert(job.schedulerID) }
        }
        for id in shared { keys[id] = nil }
        return keys
    }
}
