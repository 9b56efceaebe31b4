import ObservabilityCore

/// Delivers spooled events, oldest first, in batches, until the spool is empty, delivery
/// fails, or the time given is spent. Used by every hook run after its own event got
/// through, and by the server for its own host's spool.
public struct SpoolReplayer: Sendable {
    public let spool: EventSpool
    public let delivery: any EventDelivery
    public static let batchSize = 50

    public init(spool: EventSpool, delivery: any EventDelivery) {
        self.spool = spool
        self.delivery = delivery
    }

    public struct Report: Sendable, Hashable {
        public var delivered = 0
        public var rejected: [String] = []
        /// Entries passed over because they are not safe to read (see ``EventSpool``), and
        /// trusted ones this process cannot read, during the replay.
        public var unsafe = 0
        public var unreadable = 0
        /// Why replay stopped early, when it did.
        public var stoppedBecause: String?
    }

    /// Replays until `deadline` (a ``ContinuousClock`` instant); each batch gets the time left.
    public func replay(until deadline: ContinuousClock.Instant) async -> Report {
        var report = Report()
        let replayed: Void? = await spool.withReplayLock {
            // Listed once: a batch re-listing the whole directory would cost a large backlog
            // (or a flood of planted entries) quadratic time.
            var names = spool.listing()[...]
            while true {
                let secondsLeft = (deadline - .now).seconds
                guard secondsLeft > 0.05, !names.isEmpty else { return }
                let (batch, used) = spool.pending(limit: Self.batchSize, from: names, scanning: Self.batchSize * 20)
                names = names.dropFirst(used)
                report.unsafe += batch.unsafe
                report.unreadable += batch.unreadable
                let entries = batch.entries
                guard !entries.isEmpty else { continue }
                do throws(DeliveryError) {
                    try await delivery.deliver(entries.map(\.body), timeoutSeconds: secondsLeft)
                    for entry in entries { spool.remove(entry.name) }
                    report.delivered += entries.count
                } catch .rejected {
                    // One bad event refuses the whole batch: find it by sending one at a time.
                    guard await isolateRejected(entries, deadline: deadline, into: &report) else { return }
                } catch {
                    report.stoppedBecause = error.description
                    return
                }
            }
        }
        if replayed == nil { report.stoppedBecause = "the spool is locked by another replay, or cannot be opened" }
        return report
    }

    /// Returns false when delivery failed for a reason other than the events themselves.
    private func isolateRejected(_ entries: [EventSpool.Entry], deadline: ContinuousClock.Instant, into report: inout Report) async -> Bool {
        for entry in entries {
            do throws(DeliveryError) {
                try await delivery.deliver([entry.body], timeoutSeconds: (deadline - .now).seconds)
                spool.remove(entry.name)
                report.delivered += 1
            } catch .rejected(let reason) {
                spool.reject(entry.name)
                report.rejected.append("\(entry.name): \(reason)")
            } catch {
                report.stoppedBecause = error.description
                return false
            }
        }
        return true
    }
}
