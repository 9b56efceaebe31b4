#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// RFC 3339 times, read and written by hand: one strict grammar for every time the service
/// takes in (REST bodies and queries, spooled events), and no calendar or locale machinery in
/// a hook's start-up path.
///
/// Reading accepts `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with a four-digit year, `t`/`z`
/// in either case, and a space for `T` (RFC 3339 §5.6 allows it). A leap second (`:60`) is
/// read as the last second of its minute: it never carries a time into the next day (or, on
/// 9999-12-31, into a five-digit year no reader takes). Whether the time is one the
/// service keeps is a separate rule: ``JobLimits/validateTime(_:field:)``.
public enum RFC3339 {
    /// Longer texts are refused before they are read: the longest time the grammar can hold
    /// with a nanosecond fraction is 35 bytes.
    public static let maxBytes = 64

    /// The instant `text` names, or nil when it is not an RFC 3339 date-time.
    public static func parse(_ text: some StringProtocol) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= maxBytes else { return nil }
        var reader = Reader(bytes: bytes)
        guard let year = reader.digits(4), reader.take(UInt8(ascii: "-")),
            let month = reader.digits(2), reader.take(UInt8(ascii: "-")),
            let day = reader.digits(2),
            reader.takeAny([UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")]),
            let hour = reader.digits(2), reader.take(UInt8(ascii: ":")),
            let minute = reader.digits(2), reader.take(UInt8(ascii: ":")),
            let second = reader.digits(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }

        // The fraction as whole nanoseconds (digits past the ninth are read and dropped), so
        // that `.941` is 941,000,000 ns and not a sum of inexact tenths.
        var nanoseconds: Int64 = 0
        if reader.take(UInt8(ascii: ".")) {
            var count = 0
            while let digit = reader.digit() {
                if count < 9 { nanoseconds = nanoseconds * 10 + Int64(digit) }
                count += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<max(count, 9) { nanoseconds *= 10 }
        }

        var offsetSeconds: Int64 = 0
        if reader.takeAny([UInt8(ascii: "Z"), UInt8(ascii: "z")]) {
            offsetSeconds = 0
        } else if let sign = reader.peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            reader.advance()
            guard let offsetHours = reader.digits(2), reader.take(UInt8(ascii: ":")), let offsetMinutes = reader.digits(2),
                offsetHours <= 23, offsetMinutes <= 59
            else { return nil }
            offsetSeconds = Int64(offsetHours * 3_600 + offsetMinutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        guard reader.isAtEnd else { return nil }

        // Four-digit years keep every term far inside Int64: no conversion here can overflow.
        let days = daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
        let seconds = days * 86_400 + Int64(hour * 3_600 + minute * 60 + min(second, 59)) - offsetSeconds
        // An offset can carry 9999-12-31 into year 10000 (or 0000-01-01 before year 0) in UTC,
        // which no four-digit writer can give back: not a time.
        guard (earliestSecond..<endSecond).contains(seconds) else { return nil }
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1_000_000_000)
    }

    /// `2026-11-29T08:00:00.250Z`: always `fractionDigits` (1 to 6) digits of the second, so
    /// every time the service writes has one shape and sorts as text. Rounded, not truncated:
    /// a time stored as `.456` is the binary fraction just below it, and must not come back as
    /// `.455`.
    public static func format(_ date: Date, fractionDigits: Int = 3) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        write(date, fractionDigits: fractionDigits, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// ``format(_:fractionDigits:)``'s text appended to `bytes`, for writers of JSON that put
    /// thousands of times into one answer without a string for each.
    public static func write(_ date: Date, fractionDigits: Int = 3, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxWrittenBytes) { text in
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[..<write(date, fractionDigits: fractionDigits, into: text)]))
        }
    }

    /// The most bytes ``write(_:fractionDigits:into:)`` writes: a six-digit year with its sign
    /// (the furthest time a 64-bit count of microseconds reaches) and six fraction digits.
    public static let maxWrittenBytes = 40

    /// ``format(_:fractionDigits:)``'s text written at the start of `text`, which holds at
    /// least ``maxWrittenBytes``; returns how many bytes it wrote.
    public static func write(_ date: Date, fractionDigits: Int = 3, into text: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(text.count >= maxWrittenBytes, "RFC3339.write needs \(maxWrittenBytes) bytes")
        let interval = date.timeIntervalSince1970
        let digits = min(max(fractionDigits, 1), 6)
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        // Times outside what a 64-bit count of microseconds holds (the store's range) are not
        // times the service keeps; they are written as the nearest one it could.
        let bounded = interval.isNaN ? 0 : min(max(interval, -9.2e12), 9.2e12)
        let scaled = Int64(saturating: (bounded * Double(scale)).rounded())
        var seconds = scaled / scale
        var fraction = scaled % scale
        if fraction < 0 {
            fraction += scale
            seconds -= 1
        }
        var days = seconds / 86_400
        seconds -= days * 86_400
        if seconds < 0 {
            seconds += 86_400
            days -= 1
        }
        let (year, month, day) = civilFromDays(days)
        var end = 0
        pad(year, 4, then: "-", into: text, at: &end)
        pad(month, 2, then: "-", into: text, at: &end)
        pad(day, 2, then: "T", into: text, at: &end)
        pad(seconds / 3_600, 2, then: ":", into: text, at: &end)
        pad(seconds % 3_600 / 60, 2, then: ":", into: text, at: &end)
        pad(seconds % 60, 2, then: ".", into: text, at: &end)
        pad(fraction, digits, then: "Z", into: text, at: &end)
        return end
    }

    /// The UTC instants with four-digit years: 0000-01-01T00:00:00Z up to 10000-01-01.
    private static let earliestSecond = daysFromCivil(year: 0, month: 1, day: 1) * 86_400
    private static let endSecond = daysFromCivil(year: 10_000, month: 1, day: 1) * 86_400

    /// `value` in decimal, zero-padded to `width` digits, after a `-` when negative; then
    /// `separator`. The values are parts of a bounded time (a year has at most six digits),
    /// so ``maxWrittenBytes`` holds them all.
    private static func pad(
        _ value: Int64,
        _ width: Int,
        then separator: Unicode.Scalar,
        into text: UnsafeMutableBufferPointer<UInt8>,
        at end: inout Int
    ) {
        if value < 0 {
            text[end] = UInt8(ascii: "-")
            end += 1
        }
        end += DecimalText.write(value.magnitude, minimumDigits: width, to: text.baseAddress! + end)
        text[end] = UInt8(ascii: separator)
        end += 1
    }

    private static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of ``daysFromCivil(year:month:day:)``.
    static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var isAtEnd: Bool { index == bytes.count }

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func advance() { index += 1 }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek() == byte else { return false }
            index += 1
            return true
        }

        mutating func takeAny(_ choices: [UInt8]) -> Bool {
            guard let byte = peek(), choices.contains(byte) else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int? {
            guard let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            index += 1
            return Int(byte - UInt8(ascii: "0"))
        }

        /// Exactly `count` decimal digits as a number.
        mutating func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }
    }
}
