import LocalFiles

/// The `key value` files of cgroupfs (`cpu.stat`, `memory.stat`) and single-number files
/// (`memory.current`). Counters are never negative: a value that is (or is not a number) is
/// left out, so the arithmetic on them cannot overflow below zero.
enum StatFile {
    static func values(_ path: String) -> [Substring: Int64]? {
        guard let text = FileBytes.text(path) else { return nil }
        var values: [Substring: Int64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, let value = Int64(parts[1]), value >= 0 { values[parts[0]] = value }
        }
        return values
    }

    static func number(_ path: String) -> Int64? {
        guard let text = FileBytes.text(path) else { return nil }
        return Int64(text.split(separator: "\n").first ?? "").flatMap { $0 >= 0 ? $0 : nil }
    }
}
