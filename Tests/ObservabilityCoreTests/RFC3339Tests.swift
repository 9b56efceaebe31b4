import Foundation
import ObservabilityCore
import Testing

@Suite("RFC 3339 times")
struct RFC3339Tests {
    @Test(arguments: [
        ("2026-11-29T08:00:00Z", 1_795_939_200.0),
        ("2026-11-29t08:00:00z", 1_795_939_200.0),
        ("2026-11-29 08:00:00Z", 1_795_939_200.0),
        ("2026-11-29T09:30:00+01:30", 1_795_939_200.0),
        ("2026-11-29T03:00:00-05:00", 1_795_939_200.0),
        ("2026-11-29T08:00:00.25Z", 1_795_939_200.25),
        ("2026-11-29T08:00:00.123456789Z", 1_795_939_200.123456789),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T00:00:00Z", 1_709_164_800),
        ("2000-02-29T12:00:00Z", 951_825_600),
        ("1969-12-31T23:59:59Z", -1),
        ("9999-12-31T23:59:59Z", 253_402_300_799),
        // Found by the fuzzer: a leap second at the end of 9999 became a five-digit year.
        ("9999-12-31 23:59:60z", 253_402_300_799),
        ("2016-12-31T23:59:60.5Z", 1_483_228_799.5),
    ])
    func readsTheGrammar(text: String, seconds: Double) throws {
        let date = try #require(RFC3339.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test(arguments: [
        "", "yesterday", "2026-11-29", "2026-11-29T08:00:00", "2026-11-29T08:00Z",
        "300000-01-01T00:00:00Z", "+02026-11-29T08:00:00Z", "-2026-11-29T08:00:00Z",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T08:60:00Z", "2026-11-29T08:00:61Z",
        "2026-11-29T08:00:00.Z", "2026-11-29T08:00:00+1:00", "2026-11-29T08:00:00+24:00", "2026-11-29T08:00:00+01:60",
        "2026-11-29T08:00:00Z ", " 2026-11-29T08:00:00Z", "2026-11-29T08:00:00ZZ", "２０２６-11-29T08:00:00Z",
        "2026-11-29T08:00:00." + String(repeating: "9", count: 60) + "Z",
        // Found by the fuzzer: an offset carries these out of four-digit years in UTC.
        "9999-12-31 23:51:30-01:30", "0000-01-01T00:30:00+01:00",
    ])
    func refusesWhatIsNotATime(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    /// One shape for every time written: a fixed number of fraction digits, rounded.
    @Test func writesAFixedFractionRounded() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_795_939_200)) == "2026-11-29T08:00:00.000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_795_939_200.2509)) == "2026-11-29T08:00:00.251Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_795_939_200.9996)) == "2026-11-29T08:00:01.000Z")
        // The fuzzer's find: .456 is stored as the binary fraction just below it.
        #expect(RFC3339.format(Date(timeIntervalSince1970: Double(1_795_939_200_456_000) / 1_000_000)) == "2026-11-29T08:00:00.456Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_795_939_200.123456), fractionDigits: 6) == "2026-11-29T08:00:00.123456Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
        // Every field zero-padded to its width, whatever its value.
        #expect(RFC3339.format(Date(timeIntervalSince1970: -62_135_596_800)) == "0001-01-01T00:00:00.000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -59_011_459_200.05)) == "0099-12-31T23:59:59.950Z")
    }

    /// Every time the API takes comes back as it was sent, at the three digits it writes: the
    /// issue's `.941` came back `.940`, `.001` as `.000`. Every millisecond of a second, at two
    /// dates, through the store's microseconds.
    @Test func millisecondTimesComeBackAsSent() {
        for second in ["2026-12-01T23:42:00", "2199-12-31T23:59:58"] {
            for millisecond in 0..<1_000 {
                let digits = String(millisecond + 1_000).dropFirst()
                let text = "\(second).\(digits)Z"
                let stored = Microseconds.since1970(RFC3339.parse(text)!)
                #expect(RFC3339.format(Microseconds.date(stored)) == text)
                #expect(stored % 1_000 == 0)
            }
        }
        // Microseconds, and digits past them, are kept to the microsecond and served rounded.
        #expect(Microseconds.since1970(RFC3339.parse("2026-12-01T23:42:00.123456789Z")!) % 1_000_000 == 123_457)
        #expect(RFC3339.format(RFC3339.parse("2026-12-01T23:42:00.9995Z")!) == "2026-12-01T23:42:01.000Z")
        #expect(RFC3339.format(RFC3339.parse("2026-12-01T23:42:00+01:00")!) == "2026-12-01T22:42:00.000Z")
    }

    /// Spans from the stored microseconds: no double noise (3.0250000953674316).
    @Test func spansHaveNoFloatNoise() {
        let start = RFC3339.parse("2026-12-01T23:42:00.916Z")!
        let end = RFC3339.parse("2026-12-01T23:42:03.941Z")!
        #expect(Microseconds.seconds(from: start, to: end) == 3.025)
        #expect(Microseconds.seconds(from: end, to: start) == 0)
        #expect(Microseconds.seconds(from: .distantPast, to: .distantFuture) > 0)
    }

    @Test func writingNeverTrapsWhateverTheDate() {
        for seconds in [Double.nan, .infinity, -.infinity, 1e300, -1e300, 9.3e12, -9.3e12] {
            #expect(!RFC3339.format(Date(timeIntervalSince1970: seconds)).isEmpty)
            #expect(RFC3339.format(Date(timeIntervalSince1970: seconds), fractionDigits: 6).utf8.count <= RFC3339.maxWrittenBytes)
        }
        #expect(RFC3339.format(Date(timeIntervalSince1970: -9.3e12), fractionDigits: 6) == "-289567-08-09T12:26:40.000000Z")
    }

    @Test func roundTripsEveryDayOfFourCenturiesToTheMillisecond() throws {
        var seconds = -86_400.0 * 365
        while seconds < 7_258_118_400 {
            let date = Date(timeIntervalSince1970: seconds + 0.125)
            let parsed = try #require(RFC3339.parse(RFC3339.format(date)))
            #expect(abs(parsed.timeIntervalSince1970 - date.timeIntervalSince1970) < 1e-6)
            seconds += 86_400 * 7 + 3_661
        }
    }

    @Test func theKeptRangeIsRefusedOutsideWithTheFieldNamed() throws {
        #expect(throws: Never.self) { try JobLimits.validateTime(Date(timeIntervalSince1970: 0), field: "time") }
        #expect(throws: Never.self) { try JobLimits.validateTime(Date(timeIntervalSince1970: 7_258_118_400), field: "time") }
        for seconds in [-1.0, 7_258_118_401, 1e18, .nan] {
            let error = try #require(throws: ValidationError.self) { try JobLimits.validateTime(Date(timeIntervalSince1970: seconds), field: "time") }
            #expect(error.field == "time")
        }
    }

    @Test func saturatingConversionsNeverTrap() {
        #expect(Int64(saturating: 1e30) == .max)
        #expect(Int64(saturating: -1e30) == .min)
        #expect(Int64(saturating: .nan) == 0)
        #expect(Int64(saturating: 9_223_372_036_854_775_807.0) == .max)
        #expect(Int64(saturating: -2.9) == -2)
        #expect(Int(saturating: .infinity) == .max)
    }
}
