import ObservabilityCore
import SQLJobStore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// PostgreSQL keeps samples in one partition per UTC day (`samples_20261202`), created a week
/// ahead, with a default partition for a sample of any other day (a clock far off, a replayed
/// spool). Retention drops whole days: no `DELETE`, no dead rows, no vacuum behind it.
///
/// Replicas on one database create and drop partitions under one advisory lock, so two never
/// race to create the same day.
enum SamplePartitions {
    static let microsecondsPerDay: Int64 = 86_400 * 1_000_000
    /// Days created ahead of today, and kept behind it, so ingest never waits for a partition.
    static let daysAhead: Int64 = 7
    /// Any fixed number; the same in every replica, apart from the migrations' lock.
    static let lockKey: Int64 = 0x6870_635F_7061_7274  // "hpc_part"
    /// Days of the default partition turned into partitions per pass: a database migrated with
    /// years of samples in it is split over several passes, none of them long.
    static let maxDaysMovedPerPass = 31

    static func day(_ date: Date) -> Int64 {
        max(0, Microseconds.since1970(date)) / microsecondsPerDay
    }

    /// `samples_20261202` for the UTC day `day` days after 1970-01-01.
    static func name(ofDay day: Int64) -> String {
        "samples_" + RFC3339.format(Date(timeIntervalSince1970: Double(day) * 86_400)).prefix(10).filter { $0 != "-" }
    }

    /// The day a partition's name stands for, nil for a name not of that form.
    static func day(ofName name: String) -> Int64? {
        guard name.hasPrefix("samples_"), name.count == 16, name.dropFirst(8).allSatisfy(\.isNumber) else { return nil }
        let digits = name.dropFirst(8)
        let text = "\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.suffix(2))T00:00:00Z"
        return RFC3339.parse(text).map(day)
    }

    /// The day partitions that exist, by day.
    static func existing(on connection: any SQLConnection) throws(SQLError) -> [Int64: String] {
        let rows = try connection.execute(
            """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
            WHERE i.inhparent = to_regclass('samples')
            """
        ).rows
        var days: [Int64: String] = [:]
        for row in rows {
            let name = try row.string(0)
            if let day = day(ofName: name) { days[day] = name }
        }
        return days
    }

    /// Creates yesterday's to a week ahead's partitions where missing, and one for each day
    /// the default partition holds samples of (up to ``maxDaysMovedPerPass``), moving them in.
    static func prepare(now: Date, on connection: any SQLConnection) throws(SQLError) {
        try connection.execute("SELECT pg_advisory_xact_lock($1)", [.integer(lockKey)])
        let existing = try existing(on: connection)
        let today = day(now)
        var wanted = Set((today - 1)...(today + daysAhead))
        // Times are after 1970 (the core refuses others), so division floors.
        let stray = try connection.execute(
            "SELECT DISTINCT time_us / $1 FROM samples_default LIMIT $2",
            [.integer(microsecondsPerDay), .integer(Int64(maxDaysMovedPerPass))]
        ).rows
        for row in stray { wanted.insert(try row.int64(0)) }
        for day in wanted.sorted() where existing[day] == nil {
            try create(day: day, on: connection)
        }
    }

    /// A new day partition. Samples of that day already in the default partition move into
    /// it first: PostgreSQL refuses to attach a range the default partition holds rows of.
    private static func create(day: Int64, on connection: any SQLConnection) throws(SQLError) {
        let name = name(ofDay: day)
        let from = day * microsecondsPerDay
        let to = from + microsecondsPerDay
        // Inserts of that day wait while its rows move, so none slips into the default
        // partition between the move and the attach (which would then refuse).
        try connection.executeScript("LOCK TABLE samples_default IN ACCESS EXCLUSIVE MODE")
        try connection.executeScript("CREATE TABLE \(name) (LIKE samples INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        try connection.execute(
            """
            WITH moved AS (DELETE FROM samples_default WHERE time_us >= $1 AND time_us < $2 RETURNING *) \
            INSERT INTO \(name) SELECT * FROM moved
            """,
            [.integer(from), .integer(to)]
        )
        try connection.executeScript("ALTER TABLE samples ATTACH PARTITION \(name) FOR VALUES FROM (\(from)) TO (\(to))")
    }

    /// Drops the day partitions that end at or before `cutoff`; returns the samples they held.
    static func drop(before cutoff: Date, on connection: any SQLConnection) throws(SQLError) -> Int {
        try connection.execute("SELECT pg_advisory_xact_lock($1)", [.integer(lockKey)])
        let end = Microseconds.since1970(cutoff)
        let names = try existing(on: connection).filter { day, _ in (day + 1) * microsecondsPerDay <= end }.values.sorted()
        // Counted first: dropping a partition locks the whole table until the transaction
        // ends, and ingest must not wait for the counting.
        var dropped = 0
        for name in names {
            dropped += try connection.execute("SELECT count(*) FROM \(name)").rows.first?.int(0) ?? 0
        }
        for name in names {
            try connection.executeScript("DROP TABLE \(name)")
        }
        return dropped
    }
}
