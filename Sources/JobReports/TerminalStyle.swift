/// How output is drawn: for a terminal (colour unless `NO_COLOR`, block glyphs), or plain
/// aligned ASCII for a pipe, a file or a mail.
public struct TerminalStyle: Sendable, Hashable {
    /// ANSI colours and bold.
    public var colour: Bool
    /// Block and sparkline glyphs; ASCII (`#`, `.`) otherwise.
    public var glyphs: Bool
    /// Columns to fit the output in.
    public var width: Int

    public init(colour: Bool, glyphs: Bool, width: Int) {
        self.colour = colour
        self.glyphs = glyphs
        self.width = min(max(width, 40), 400)
    }

    /// Plain text `width` columns wide: what a pipe gets.
    public static func plain(width: Int = 80) -> TerminalStyle {
        TerminalStyle(colour: false, glyphs: false, width: width)
    }

    /// The style for an output: glyphs on a terminal, colour there too unless `NO_COLOR` is
    /// set (to anything, as no-color.org asks), and the width from `COLUMNS`, the terminal's
    /// own or 80.
    public static func detect(isTerminal: Bool, environment: [String: String], terminalColumns: Int?) -> TerminalStyle {
        let columns = environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? terminalColumns ?? 80
        let noColour = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let dumb = environment["TERM"] == "dumb"
        return TerminalStyle(colour: isTerminal && !noColour && !dumb, glyphs: isTerminal && !dumb, width: columns)
    }

    enum Colour: Int {
        case red = 31
        case green = 32
        case yellow = 33
        case dim = 2
        case bold = 1
    }

    func paint(_ text: String, _ colour: Colour) -> String {
        self.colour && !text.isEmpty ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// The ellipsis that marks cut text.
    var ellipsis: String { glyphs ? "…" : "~" }
}
