import ObservabilityCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Times are stored as integer microseconds since the Unix epoch in both backends: exact,
/// indexable, and free of time zone and text-format differences.
enum SQLTime {
    static func value(_ date: Date?) -> SQLValue {
        date.map { .integer(Microseconds.since1970($0)) } ?? .null
    }
}

extension SQLColumns {
    func optionalDate(_ index: Int) throws(SQLError) -> Date? {
        try optionalInt64(index).map(Microseconds.date)
    }

    func date(_ index: Int) throws(SQLError) -> Date {
        Microseconds.date(try int64(index))
    }
}
