import ObservabilityCore
import Testing

@Suite("Decimal text")
struct DecimalTextTests {
    static func written(_ value: UInt64, minimumDigits: Int = 1) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(DecimalText.maxDigits, minimumDigits)) { text in
            let count = DecimalText.write(value, minimumDigits: minimumDigits, to: text.baseAddress!)
            return String(decoding: UnsafeBufferPointer(rebasing: text[..<count]), as: UTF8.self)
        }
    }

    @Test func writesEveryDigitPaddedToTheWidthAsked() {
        #expect(Self.written(0) == "0")
        #expect(Self.written(7, minimumDigits: 4) == "0007")
        #expect(Self.written(123_456, minimumDigits: 4) == "123456")
        #expect(Self.written(.max) == String(UInt64.max))
        #expect(Self.written(.max).utf8.count == DecimalText.maxDigits)
        for value: UInt64 in [1, 9, 10, 99, 100, 1_000_000_007] { #expect(Self.written(value) == String(value)) }
    }
}
