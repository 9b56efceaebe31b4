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

    public init(store: any JobStore) {
        self.store = store
    }

    public func deliver(samples: [MetricSample], totals: [JobUsageTotals]) async -> (stored: Int, dropped: Int) {
        do {
            let running = Set(try await store.runningJobs().map(\.id))
            let known = samples.filter { running.contains($0.jobID) }
            if !known.isEmpty { try await store.appendSamples(known) }
            let knownTotals = totals.filter { running.contains($0.jobID) }
            if !knownTotals.isEmpty { try await store.recordUsage(knownTotals) }
            return (known.count, samples.count - known.count)
        } catch {
            return (0, samples.count)
        }
    }
}
