public import Foundation
import ObservabilityCore

/// The times `--since` and `--until` take: an RFC 3339 time (`2026-12-01T08:00:00Z`), a day
/// (`2026-12-01`, midnight in the local time zone), `now`, or a span back from now (`90m`,
/// `12h`, `7d`, `2w`).
public enum TimeExpression {
    public static let accepted = "an RFC 3339 time (2026-12-01T08:00:00Z), a day (2026-12-01), now, or a span back from now (90m, 12h, 7d, 2w)"

    public static func parse(_ text: String, now: Date, timeZone: TimeZone) -> Date? {
        if text == "now" { return now }
        if let unit = text.last, let multiplier = spanSeconds[unit], text.count >= 2, text.count <= 8,
            let count = Int(text.dropLast()), count >= 0
        {
            return now.addingTimeInterval(-Double(count) * multiplier)
        }
        if text.count == 10, let day = Self.day(text, timeZone: timeZone) { return day }
        return RFC3339.parse(text)
    }

    private static let spanSeconds: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]

    private static func day(_ text: String, timeZone: TimeZone) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1970...9999).contains(year), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else { return nil }
        return date
    }
}
