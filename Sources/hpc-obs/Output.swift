import Foundation
import JobReports
import ObservabilityCore

/// Where results and errors go: results to stdout, errors to stderr, nothing else.
enum Output {
    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        FileHandle.standardError.write(Data(("hpc-obs: " + line).utf8))
    }

    /// The style for stdout: a terminal's colours and glyphs, or plain text for a pipe.
    static var style: TerminalStyle {
        let isTerminal = isatty(STDOUT_FILENO) == 1
        var size = winsize()
        let columns = isTerminal && ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : nil
        return TerminalStyle.detect(isTerminal: isTerminal, environment: ProcessInfo.processInfo.environment, terminalColumns: columns)
    }

    /// A document of the API as JSON: keys sorted, indented, times as the service writes them.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
