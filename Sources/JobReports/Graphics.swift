/// Bars and sparklines: block glyphs on a terminal, ASCII in plain text.
enum Graphics {
    /// A bar `width` cells wide filled to `fraction` (clamped to 0...1): `████▌░░░` or
    /// `[####----]`.
    static func bar(_ fraction: Double, width: Int, style: TerminalStyle) -> String {
        let cells = max(width, 1)
        let filled = fraction.isFinite ? min(max(fraction, 0), 1) * Double(cells) : 0
        if style.glyphs {
            let eighths = Int((filled * 8).rounded(.down))
            let full = eighths / 8
            let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
            let used = full + (partial.isEmpty ? 0 : 1)
            return String(repeating: "█", count: full) + partial + String(repeating: "░", count: max(cells - used, 0))
        }
        let full = Int(filled.rounded())
        return "[" + String(repeating: "#", count: full) + String(repeating: "-", count: cells - full) + "]"
    }

    /// Cells a bar takes, brackets included.
    static func barCells(_ width: Int, style: TerminalStyle) -> Int {
        style.glyphs ? width : width + 2
    }

    /// One line of `width` cells for `values`, scaled from 0 to their maximum; buckets
    /// average when there are more values than cells. Empty for no values.
    static func sparkline(_ values: [Double], width: Int, style: TerminalStyle) -> String {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty, width > 0 else { return "" }
        let buckets = resample(finite, to: min(width, finite.count))
        let top = buckets.max() ?? 0
        let ramp: [Character] = style.glyphs ? ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] : ["_", ".", "-", ":", "=", "+", "*", "#"]
        return String(
            buckets.map { value -> Character in
                guard top > 0 else { return ramp[0] }
                let index = Int((max(value, 0) / top * Double(ramp.count - 1)).rounded())
                return ramp[min(max(index, 0), ramp.count - 1)]
            }
        )
    }

    /// `values` averaged into `count` buckets of nearly equal size.
    static func resample(_ values: [Double], to count: Int) -> [Double] {
        guard count > 0, values.count > count else { return values }
        return (0..<count).map { bucket in
            let lower = bucket * values.count / count
            let upper = max((bucket + 1) * values.count / count, lower + 1)
            let slice = values[lower..<upper]
            return slice.reduce(0, +) / Double(slice.count)
        }
    }
}
