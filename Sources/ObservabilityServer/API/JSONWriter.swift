import NIOCore
import ObservabilityCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JSON written straight into a buffer, for the answers the service gives most and largest.
///
/// `JSONEncoder` builds a tree of boxed values through `Codable` before it writes a byte; on
/// a page of a hundred jobs that was more than half of the server's CPU. This writes each
/// value where it goes: commas and colons follow from the calls, strings are escaped as RFC
/// 8259 asks, and a number JSON cannot hold (NaN, infinity) is an error, as it is for
/// `JSONEncoder`.
struct JSONWriter {
    /// A number that JSON cannot represent.
    struct NotANumber: Error, CustomStringConvertible {
        let key: String
        var description: String { "\(key) is not a finite number" }
    }

    /// Written into an array and copied into a buffer once: a `ByteBuffer` checks its
    /// storage's uniqueness on every write, which cost more than the writing.
    private var bytes: [UInt8] = []
    /// One entry per open object or array: whether nothing has been written in it yet.
    private var opened: [Bool] = []
    private var afterKey = false
    private var lastKey: StaticString = ""

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
        lastKey = name
    }

    mutating func string(_ value: String) {
        separate()
        writeQuoted(value)
    }

    mutating func integer(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func number(_ value: Double) throws(NotANumber) {
        guard value.isFinite else { throw NotANumber(key: "\(lastKey)") }
        separate()
        bytes.append(contentsOf: value.description.utf8)
    }

    /// The service's one time shape, as ``RFC3339/format(_:fractionDigits:)`` writes it.
    mutating func time(_ value: Date) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        RFC3339.write(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"name": value` when the value is there; nothing when it is nil, as the generated
    /// encoders leave out absent optional fields.
    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, _ value: Int64?) {
        guard let value else { return }
        key(name)
        integer(value)
    }

    mutating func field(_ name: StaticString, _ value: Double?) throws(NotANumber) {
        guard let value else { return }
        key(name)
        try number(value)
    }

    mutating func field(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        key(name)
        time(value)
    }

    mutating func field(_ name: StaticString, _ values: [String]) {
        key(name)
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        opened.append(true)
    }

    private mutating func close(_ bracket: UInt8) {
        opened.removeLast()
        bytes.append(bracket)
    }

    /// The comma before a value or key that is not its container's first, none after a key.
    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard let isFirst = opened.last else { return }
        if isFirst {
            opened[opened.count - 1] = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
    }

    private mutating func writeQuoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        if value.utf8.contains(where: Self.needsEscape) {
            for byte in value.utf8 { writeEscaped(byte) }
        } else {
            bytes.append(contentsOf: value.utf8)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func writeEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
        case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
        case UInt8(ascii: "\r"): bytes.append(contentsOf: #"\r"#.utf8)
        case UInt8(ascii: "\t"): bytes.append(contentsOf: #"\t"#.utf8)
        case 0x08: bytes.append(contentsOf: #"\b"#.utf8)
        case 0x0C: bytes.append(contentsOf: #"\f"#.utf8)
        case ..<0x20:
            bytes.append(contentsOf: #"\u00"#.utf8)
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0x0F)])
        default: bytes.append(byte)
        }
    }
}
