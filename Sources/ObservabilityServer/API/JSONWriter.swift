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
///
/// The bytes go into memory of its own, not an array: an array checks that its storage is
/// unique and large enough on every append, which cost as much as the writing. Not copyable,
/// so that the memory has one owner, which frees it.
struct JSONWriter: ~Copyable {
    /// A number that JSON cannot represent.
    struct NotANumber: Error, CustomStringConvertible {
        let key: String
        var description: String { "\(key) is not a finite number" }
    }

    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Bit `n` set: nothing has been written yet in the container open at depth `n`.
    private var emptyContainers: UInt64 = 0
    private var depth = 0
    private var afterKey = false
    private var lastKey: StaticString = ""

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    var buffer: ByteBuffer { ByteBuffer(bytes: UnsafeBufferPointer(start: base, count: count)) }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    mutating func key(_ name: StaticString) {
        separate()
        reserve(name.utf8CodeUnitCount + 3)
        put(UInt8(ascii: "\""))
        put(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        put(UInt8(ascii: "\""))
        put(UInt8(ascii: ":"))
        afterKey = true
        lastKey = name
    }

    mutating func string(_ value: String) {
        separate()
        var value = value
        value.withUTF8 { writeQuoted($0) }
    }

    mutating func integer(_ value: Int64) {
        separate()
        reserve(DecimalText.maxDigits + 1)
        if value < 0 { put(UInt8(ascii: "-")) }
        count += DecimalText.write(value.magnitude, to: base + count)
    }

    mutating func number(_ value: Double) throws(NotANumber) {
        guard value.isFinite else { throw NotANumber(key: "\(lastKey)") }
        separate()
        var text = value.description
        text.withUTF8 { text in
            reserve(text.count)
            put(text)
        }
    }

    /// The service's one time shape, as ``RFC3339/format(_:fractionDigits:)`` writes it.
    mutating func time(_ value: Date) {
        separate()
        reserve(RFC3339.maxWrittenBytes + 2)
        put(UInt8(ascii: "\""))
        count += RFC3339.write(value, into: UnsafeMutableBufferPointer(start: base + count, count: capacity - count))
        put(UInt8(ascii: "\""))
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
        // The writers nest a handful deep, by their code, never by what they write.
        precondition(depth < UInt64.bitWidth, "JSONWriter nests at most \(UInt64.bitWidth) deep")
        separate()
        reserve(1)
        put(bracket)
        emptyContainers |= 1 << depth
        depth += 1
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        reserve(1)
        put(bracket)
    }

    /// The comma before a value or key that is not its container's first, none after a key.
    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard depth > 0 else { return }
        let bit: UInt64 = 1 << (depth - 1)
        if emptyContainers & bit != 0 {
            emptyContainers &= ~bit
        } else {
            reserve(1)
            put(UInt8(ascii: ","))
        }
    }

    private mutating func writeQuoted(_ value: UnsafeBufferPointer<UInt8>) {
        if value.contains(where: Self.needsEscape) {
            // At most six bytes (`\u001f`) for each.
            reserve(value.count * 6 + 2)
            put(UInt8(ascii: "\""))
            for byte in value { writeEscaped(byte) }
        } else {
            reserve(value.count + 2)
            put(UInt8(ascii: "\""))
            put(value)
        }
        put(UInt8(ascii: "\""))
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    /// Writes `byte` as JSON has it inside a string; room for six bytes is reserved.
    private mutating func writeEscaped(_ byte: UInt8) {
        let escape: UInt8? =
            switch byte {
            case UInt8(ascii: "\""): UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): UInt8(ascii: "\\")
            case UInt8(ascii: "\n"): UInt8(ascii: "n")
            case UInt8(ascii: "\r"): UInt8(ascii: "r")
            case UInt8(ascii: "\t"): UInt8(ascii: "t")
            case 0x08: UInt8(ascii: "b")
            case 0x0C: UInt8(ascii: "f")
            default: nil
            }
        if let escape {
            put(UInt8(ascii: "\\"))
            put(escape)
        } else if byte < 0x20 {
            for code in "\\u00".utf8 { put(code) }
            put(Self.hexDigits.utf8Start[Int(byte >> 4)])
            put(Self.hexDigits.utf8Start[Int(byte & 0x0F)])
        } else {
            put(byte)
        }
    }

    // MARK: Memory

    /// Makes room for `extra` more bytes; every ``put(_:)`` follows a reservation for it.
    private mutating func reserve(_ extra: Int) {
        let (needed, overflow) = count.addingReportingOverflow(extra)
        precondition(!overflow, "JSONWriter cannot hold \(extra) more bytes")
        guard needed > capacity else { return }
        var grown = capacity
        while grown < needed { grown = grown.multipliedReportingOverflow(by: 2).overflow ? needed : grown * 2 }
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        storage.initialize(from: base, count: count)
        base.deallocate()
        base = storage
        capacity = grown
    }

    private mutating func put(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    private mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return }
        (base + count).initialize(from: start, count: bytes.count)
        count += bytes.count
    }
}
