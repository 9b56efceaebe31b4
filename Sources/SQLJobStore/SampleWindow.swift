import ObservabilityCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where one job's samples lie in time, as its row records it.
enum SampleSpan: Sendable, Equatable {
    /// No samples: the newest sample's time is set in the transaction that inserts the first.
    case empty
    /// Samples written before the store kept the first one's time: no bound is known.
    case unknown
    /// Every sample is within these microseconds since 1970 (retention may have removed some).
    case between(Int64, Int64)

    init(first: Int64?, last: Int64?) {
        switch (first, last) {
        case (_, nil): self = .empty
        case (nil, _): self = .unknown
        case (let first?, let last?): self = .between(min(first, last), max(first, last))
        }
    }
}

/// The times, in microseconds since 1970, a read of one job's samples covers: the query's
/// range narrowed to the job's ``SampleSpan``. The narrowing is what lets PostgreSQL visit
/// only the day partitions the job has samples in, and a long read be cut into parts.
struct SampleWindow: Sendable, Equatable {
    var lower: Int64?
    var upper: Int64?

    /// Nil when no sample can be in both.
    init?(_ query: SampleQuery, within span: SampleSpan) {
        lower = query.from.map(Microseconds.since1970)
        upper = query.to.map(Microseconds.since1970)
        switch span {
        case .empty:
            return nil
        case .unknown:
            break
        case .between(let first, let last):
            lower = max(lower ?? first, first)
            upper = min(upper ?? last, last)
        }
        if let lower, let upper, lower > upper { return nil }
    }

    init(lower: Int64?, upper: Int64?) {
        self.lower = lower
        self.upper = upper
    }

    /// The window cut at step boundaries into up to `maximumParts` windows in time order, each
    /// read on its own connection at once: a database works one query on one thread, and
    /// downsampling a long job is that thread's work on every sample. No step straddles two
    /// parts, so their points joined are those of one pass.
    /// A window of fewer than ``minimumStepsPerPart`` steps a part, or without both bounds,
    /// stays whole.
    func parts(stepSeconds: Int, maximumParts: Int) -> [SampleWindow] {
        guard maximumParts > 1, let lower, let upper, lower >= 0 else { return [self] }
        let step = Int64(stepSeconds) * 1_000_000
        let firstStep = lower / step
        let steps = upper / step - firstStep + 1
        let count = Int(min(Int64(maximumParts), steps / Self.minimumStepsPerPart))
        guard count > 1 else { return [self] }
        var parts: [SampleWindow] = []
        var start = lower
        for index in 1..<count {
            let cut = (firstStep + steps * Int64(index) / Int64(count)) * step
            parts.append(SampleWindow(lower: start, upper: cut - 1))
            start = cut
        }
        parts.append(SampleWindow(lower: start, upper: upper))
        return parts
    }

    /// Below this many steps a part, the cost of another read outweighs sharing the work.
    static let minimumStepsPerPart: Int64 = 50
}
