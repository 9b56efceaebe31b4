#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Microseconds since 1970, the precision every store keeps times at.
///
/// Spans are computed from these integers, not from `Date`s: two times near 2026 differ in
/// their last bits as doubles, so `3.025` s of runtime would come out as `3.0250000953674316`.
public enum Microseconds {
    /// Rounded to the nearest microsecond; saturates instead of trapping, so a time that slipped
    /// past validation (a filter, a bug) cannot end the process.
    public static func since1970(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1_000_000).rounded()
        if let exact = Int64(exactly: value) { return exact }
        if value.isNaN { return 0 }
        return value < 0 ? .min : .max
    }

    public static func date(_ microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    /// Seconds from `start` to `end` at the stored precision, never negative.
    public static func seconds(from start: Date, to end: Date) -> Double {
        let (span, overflow) = since1970(end).subtractingReportingOverflow(since1970(start))
        guard !overflow else { return end > start ? Double(Int64.max) / 1_000_000 : 0 }
        return Double(max(0, span)) / 1_000_000
    }
}
