/// Unsigned integers in decimal, written into memory the caller holds: for writers of JSON and
/// times that put thousands of numbers into one answer without a string for each.
public enum DecimalText {
    /// The most digits ``write(_:minimumDigits:to:)`` writes for a `UInt64` without padding.
    public static let maxDigits = 20

    /// Writes `value` at `start`, zero-padded to `minimumDigits`; returns how many bytes it
    /// wrote, which the caller must have room for: ``maxDigits`` or `minimumDigits`, the larger.
    public static func write(_ value: UInt64, minimumDigits: Int = 1, to start: UnsafeMutablePointer<UInt8>) -> Int {
        var rest = value
        var length = 1
        while length < minimumDigits || rest >= 10 {
            length += 1
            rest /= 10
        }
        rest = value
        for position in stride(from: length - 1, through: 0, by: -1) {
            start[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        return length
    }
}
