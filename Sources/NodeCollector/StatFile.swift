import LocalFiles

/// The `key value` files of cgroupfs (`cpu.stat`, `memory.stat`) and single-number files
/// (`memory.current`).
enum StatFile {
    static func values(_ path: String) -> [Substring: Int64]? {
        guard let text = FileBytes.text(path) else { return nil }
        var values: [Substring: Int64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, let value = Int64(parts[1]) { values[parts[0]] = value }
        }
        return values
    }

    static func number(_ path: String) -> Int64? {
        guard let text = FileBytes.text(path) else { return nil }
        return Int64(text.split(separator: "\n").first ?? "")
    }
}
