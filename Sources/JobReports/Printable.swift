/// Text from the service made safe for a terminal: job names, users and partitions come from
/// whoever submitted the job, and an escape sequence in one must not reach the terminal
/// (it could retitle the window, hide lines or worse). Control characters, and the Unicode
/// controls that reorder or break lines, become `?`. `hpc-obs doctor` prints paths and values
/// from files anyone may have written through it too.
public enum Printable {
    public static func text(_ value: some StringProtocol) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(value.unicodeScalars.count)
        for scalar in value.unicodeScalars {
            let v = scalar.value
            let control =
                v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029
                || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            result.unicodeScalars.append(control ? "?" : scalar)
        }
        return result
    }

    /// `text`, cut to `width` characters with the style's ellipsis.
    static func fit(_ text: String, _ width: Int, style: TerminalStyle) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(max(width, 0))) }
        return String(text.prefix(width - 1)) + style.ellipsis
    }
}
