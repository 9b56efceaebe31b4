/// Splits a multi-row `INSERT` into statements whose row counts are powers of two up to
/// ``maxRowsPerStatement``, so that any batch size maps to at most 11 distinct statements and
/// the prepared-statement caches stay small.
enum SQLBatch {
    static let maxRowsPerStatement = 1_024

    /// Row counts, largest first, that add up to `total`.
    static func chunkSizes(total: Int) -> [Int] {
        var sizes: [Int] = []
        var remaining = total
        while remaining >= maxRowsPerStatement {
            sizes.append(maxRowsPerStatement)
            remaining -= maxRowsPerStatement
        }
        var size = maxRowsPerStatement / 2
        while remaining > 0 {
            if remaining >= size {
                sizes.append(size)
                remaining -= size
            }
            size /= 2
        }
        return sizes
    }

    /// `INSERT INTO table (columns) VALUES ($1, …), (…)` for `rows` rows, plus `suffix`.
    static func insertStatement(table: String, columns: [String], rows: Int, suffix: String = "") -> String {
        var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        sql.reserveCapacity(sql.utf8.count + rows * columns.count * 7 + suffix.utf8.count)
        var parameter = 1
        for row in 0..<rows {
            if row > 0 { sql += ", " }
            sql += "("
            for column in 0..<columns.count {
                if column > 0 { sql += ", " }
                sql += "$\(parameter)"
                parameter += 1
            }
            sql += ")"
        }
        return sql + suffix
    }

    /// Inserts `rows` (each as many values as `columns`) in chunked multi-row statements.
    static func insert(
        into table: String,
        columns: [String],
        rows: [[SQLValue]],
        suffix: String = "",
        on connection: any SQLConnection
    ) throws(SQLError) {
        var start = 0
        for size in chunkSizes(total: rows.count) {
            var binds: [SQLValue] = []
            binds.reserveCapacity(size * columns.count)
            for row in rows[start..<(start + size)] {
                binds.append(contentsOf: row)
            }
            try connection.execute(insertStatement(table: table, columns: columns, rows: size, suffix: suffix), binds)
            start += size
        }
    }
}
