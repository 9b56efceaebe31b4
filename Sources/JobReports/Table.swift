/// Aligned columns, fitted to the style's width so a line never wraps: columns with a
/// `dropOrder` go, lowest first, while the `flexible` one would otherwise be cut below 16
/// characters; then the flexible one is cut.
struct Table {
    struct Column {
        var title: String
        var rightAligned = false
        var flexible = false
        /// Left out, lowest first, when the line is too wide; nil keeps the column.
        var dropOrder: Int? = nil
    }

    var columns: [Column]
    var rows: [[String]]

    func render(style: TerminalStyle, indent: String = "") -> [String] {
        var shown = Array(columns.indices)
        let gap = 2
        func widths(_ indices: [Int]) -> [Int: Int] {
            var result: [Int: Int] = [:]
            for index in indices {
                result[index] = rows.reduce(columns[index].title.count) { max($0, $1[index].count) }
            }
            return result
        }
        var width = widths(shown)
        func total() -> Int { indent.count + shown.reduce(0) { $0 + width[$1]! } + gap * max(shown.count - 1, 0) }
        let flexible = shown.first { columns[$0].flexible }
        func fits(flexibleWidth: Int) -> Bool {
            guard let flexible else { return total() <= style.width }
            let full = width[flexible]!
            width[flexible] = min(full, flexibleWidth)
            defer { width[flexible] = full }
            return total() <= style.width
        }
        let droppable = shown.filter { columns[$0].dropOrder != nil }.sorted { columns[$0].dropOrder! < columns[$1].dropOrder! }
        for drop in droppable where !fits(flexibleWidth: 16) {
            shown.removeAll { $0 == drop }
        }
        if let flexible, total() > style.width {
            width[flexible] = max(6, width[flexible]! - (total() - style.width))
        }
        func line(_ cells: [String], header: Bool) -> String {
            var text = indent
            for (position, index) in shown.enumerated() {
                let cell = Printable.fit(cells[index], width[index]!, style: style)
                let padding = String(repeating: " ", count: width[index]! - cell.count)
                let last = position == shown.count - 1
                let aligned = columns[index].rightAligned ? padding + cell : (last ? cell : cell + padding)
                text += (position > 0 ? "  " : "") + aligned
            }
            return header ? style.paint(text, .bold) : text
        }
        return [line(columns.map(\.title), header: true)] + rows.map { line($0, header: false) }
    }
}
