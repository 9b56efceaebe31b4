/// Builds `{name="value",…}` bytes label by label, without intermediate arrays.
public struct LabelBlock: Sendable {
    private var content: [UInt8] = []

    public init() {}

    public mutating func add(_ name: String, _ value: String) {
        content.append(content.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
        content.append(contentsOf: name.utf8)
        content.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
        MetricsWriter.appendEscaped(value, quotes: true, to: &content)
        content.append(UInt8(ascii: "\""))
    }

    /// The finished block, empty when no label was added.
    public var bytes: [UInt8] {
        content.isEmpty ? [] : content + [UInt8(ascii: "}")]
    }
}
