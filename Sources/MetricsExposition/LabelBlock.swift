/// Builds `{name="value",…}` bytes label by label, without intermediate arrays.
public struct LabelBlock: Sendable {
    private var content: [UInt8] = []

    public init() {}

    public mutating func add(_ name: String, _ value: String) {
        Self.append(name, value, to: &content, opening: content.isEmpty)
    }

    /// The finished block, empty when no label was added.
    public var bytes: [UInt8] {
        content.isEmpty ? [] : content + [UInt8(ascii: "}")]
    }

    /// Appends one `name="value"` pair, after `{` when it opens a block and `,` otherwise, so
    /// many blocks can be written back to back into one buffer.
    static func append(_ name: String, _ value: String, to bytes: inout [UInt8], opening: Bool) {
        bytes.append(opening ? UInt8(ascii: "{") : UInt8(ascii: ","))
        bytes.append(contentsOf: name.utf8)
        bytes.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
        MetricsWriter.appendEscaped(value, quotes: true, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }
}
