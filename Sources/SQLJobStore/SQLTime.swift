import ObservabilityCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Times are stored as integer microseconds since the Unix epoch in both backends: exact,
/// indexable, and free of time zone and text-format differences.
enum SQLTime {
    static func microseconds(_ date: Date) -> Int64 {
        Microseconds.since1970(date)
    }

    static func date(microseconds: Int64) -> Date {
        Microseconds.date(microseconds)
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
