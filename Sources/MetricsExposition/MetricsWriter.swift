/// Writes exposition text straight into bytes: families with HELP and TYPE, samples with
/// escaped labels, in either format.
///
/// Built for scrapes of 100,000 jobs: no `String` per sample, label blocks written once per
/// job and reused across families (``labelBlock(_:)``).
public struct MetricsWriter: Sendable {
    public let format: ExpositionFormat
    public private(set) var bytes: [UInt8] = []

    public init(format: ExpositionFormat, reservingCapacity capacity: Int = 16_384) {
        self.format = format
        bytes.reserveCapacity(capacity)
    }

    /// Starts a family: `# HELP` and `# TYPE`. In OpenMetrics a counter family is named
    /// without its `_total` suffix, which only its samples carry.
    public mutating func family(_ name: String, type: MetricType, help: String) {
        var familyName = Substring(name)
        if format == .openMetrics, type == .counter, name.hasSuffix("_total") {
            familyName = familyName.dropLast("_total".count)
        }
        append("# HELP ")
        append(familyName)
        append(" ")
        appendEscaped(help, quotes: false)
        append("\n# TYPE ")
        append(familyName)
        append(" ")
        append(type.rawValue)
        append("\n")
    }

    /// Bytes for `{name="value",…}` (empty without labels), to pass to ``sample(_:labels:_:)``.
    public static func labelBlock(_ labels: [(name: String, value: String)]) -> [UInt8] {
        var block = LabelBlock()
        for label in labels { block.add(label.name, label.value) }
        return block.bytes
    }

    public mutating func sample(_ name: String, labels: [UInt8] = [], _ value: Double) {
        sample(name, labels: labels[...], value)
    }

    public mutating func sample(_ name: String, labels: [UInt8] = [], _ value: Int64) {
        sample(name, labels: labels[...], value)
    }

    /// A sample whose label block is a slice of a larger buffer of blocks written back to back.
    public mutating func sample(_ name: String, labels: ArraySlice<UInt8>, _ value: Double) {
        append(name)
        bytes.append(contentsOf: labels)
        append(" ")
        appendValue(value)
        append("\n")
    }

    public mutating func sample(_ name: String, labels: ArraySlice<UInt8>, _ value: Int64) {
        append(name)
        bytes.append(contentsOf: labels)
        append(" ")
        appendInteger(value)
        append("\n")
    }

    /// Forgets what was written so far, keeping the capacity, so a large exposition can be
    /// sent in pieces through one buffer: copy out ``bytes``, then reset.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Ends the exposition: OpenMetrics requires `# EOF`.
    public mutating func finish() {
        if format == .openMetrics { append("# EOF\n") }
    }

    // MARK: Bytes

    /// Decimal digits without a `String` in between: most samples are integers (bytes, counts).
    mutating func appendInteger(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    mutating func append(_ text: some StringProtocol) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Label values escape backslash, double quote and newline; HELP text escapes backslash
    /// and newline. Everything else, UTF-8 included, passes as it is.
    mutating func appendEscaped(_ text: String, quotes: Bool) {
        Self.appendEscaped(text, quotes: quotes, to: &bytes)
    }

    static func appendEscaped(_ text: String, quotes: Bool, to bytes: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\"") where quotes: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            default: bytes.append(byte)
            }
        }
    }

    mutating func appendValue(_ value: Double) {
        if value.isNaN {
            append("NaN")
        } else if value.isInfinite {
            append(value > 0 ? "+Inf" : "-Inf")
        } else if value == value.rounded(), abs(value) < 1e15 {
            appendInteger(Int64(value))
        } else {
            append(String(value))
        }
    }
}
