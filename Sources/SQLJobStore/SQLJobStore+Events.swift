public import ObservabilityCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQLJobStore {
    public func apply(_ events: [LifecycleEvent]) async throws -> [EventOutcome] {
        guard !events.isEmpty else { return [] }
        for (index, event) in events.enumerated() {
            try ValidationError.naming(index, of: events.count) { () throws(ValidationError) in
                try event.validate()
            }
        }
        let lockSuffix = dialect.lockRowSuffix
        let appliedAt = SQLTime.value(Date())
        return try await write { connection in
            var outcomes: [EventOutcome] = []
            outcomes.reserveCapacity(events.count)
            var created = 0
            for (index, event) in events.enumerated() {
                // Two clusters' job 123 are two jobs, and their hooks' event ids are alike too.
                let cluster = event.attributes.cluster
                let key =
                    try Self.resolveKey(id: event.jobID, cluster: cluster, adoptingUnclustered: true, on: connection)
                    ?? JobKey.make(schedulerID: event.jobID, cluster: cluster)
                let recorded = try connection.execute(
                    "INSERT INTO applied_events (event_id, job_id, applied_us) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING",
                    [.text(JobKey.appliedEventID(event.id, cluster: cluster)), .text(key), appliedAt]
                ).affectedRows
                guard recorded > 0 else {
                    outcomes.append(.duplicate(eventID: event.id))
                    continue
                }
                let existing = try Self.loadJob(id: key, lockSuffix: lockSuffix, on: connection)
                let change = try ValidationError.naming(index, of: events.count) { () throws(ValidationError) in
                    try LifecycleTranslator.change(applying: event, to: existing)
                }
                switch change {
                case .create(var job):
                    job.id = key
                    let stored = Self.normalized(job)
                    do {
                        try Self.insert(stored, on: connection, counting: false)
                        created += 1
                    } catch let error as StoreError where error.code == .conflict {
                        // Another replica's transaction created the job after our read; the
                        // retry reads it and merges this event into it.
                        throw SQLError(.busy, "job '\(job.id)' was created concurrently")
                    }
                    outcomes.append(.applied(.create(stored)))
                case .update(let job):
                    let stored = Self.normalized(job)
                    if let existing { try Self.replace(existing, with: stored, on: connection) }
                    outcomes.append(.applied(.update(stored)))
                case .unchanged:
                    outcomes.append(.applied(change))
                }
                // After the job's row exists: the usage row refers to it.
                if var usage = event.usageTotals {
                    usage.jobID = key
                    try Self.upsert(usage, on: connection)
                }
            }
            // One counter update for the batch, not one per job: a first poll creates thousands.
            try Self.countCreated(created, on: connection)
            return outcomes
        }
    }
}
