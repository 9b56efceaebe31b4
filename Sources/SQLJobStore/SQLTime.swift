#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Times are stored as integer microseconds since the Unix epoch in both backends: exact,
/// indexable, and free of time zone and text-format differences.
enum SQLTime {
    /// Saturates instead of trapping: the core refuses times outside `JobLimits.timeRange`
    /// before they reach a store, and this keeps a time that slipped past (a filter, a bug)
    /// from ending the process.
    static func microseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1_000_000).rounded()
        if let exact = Int64(exactly: value) { return exact }
        if value.isNaN { return 0 }
        return value < 0 ? .min : .max
    }

    static func date(microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    static func value(_ date: Date?) -> SQLValue {
        date.map { .integer(microseconds($0)) } ?? .null
    }
}

extension SQLRow {
    func optionalDate(_ index: Int) throws(SQLError) -> Date? {
        try optionalInt64(index).map(SQLTime.date(microseconds:))
    }

    func date(_ index: Int) throws(SQLError) -> Date {
        SQLTime.date(microseconds: try int64(index))
    }
}
