import Foundation

/// Numbers as people read them in a report.
enum Quantities {
    /// `45s`, `12m05s`, `3h07m`, `2d04h`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        let total = seconds >= 9.0e15 ? Int64.max / 2 : Int64(seconds.rounded())
        let days = total / 86_400
        let hours = (total % 86_400) / 3_600
        let minutes = (total % 3_600) / 60
        let secs = total % 60
        if days > 0 { return "\(days)d" + pad(hours) + "h" }
        if hours > 0 { return "\(hours)h" + pad(minutes) + "m" }
        if minutes > 0 { return "\(minutes)m" + pad(secs) + "s" }
        return "\(secs)s"
    }

    /// `512 MiB`, `4.8 GiB`, `1.2 TiB`.
    static func mebibytes(_ value: Double) -> String {
        guard value.isFinite, value >= 0 else { return "-" }
        if value < 1_024 { return "\(decimal(value, digits: value < 10 ? 1 : 0)) MiB" }
        if value < 1_048_576 { return "\(decimal(value / 1_024, digits: 1)) GiB" }
        return "\(decimal(value / 1_048_576, digits: 1)) TiB"
    }

    /// `42.0 %`.
    static func percent(_ value: Double) -> String {
        value.isFinite ? "\(decimal(value, digits: 1)) %" : "-"
    }

    /// Fixed decimals, without Foundation's locale: reports read the same everywhere.
    static func decimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "-" }
        if abs(value) >= 1e15 { return String(format: "%.3g", value) }
        return String(format: "%.\(digits)f", value)
    }

    /// A count with thousands grouped: `12,345`.
    static func count(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    private static func pad(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}

/// Times as the report shows them: `2026-11-29 08:00:00 UTC`, in the time zone the user's
/// environment names.
struct TimeFormat: Sendable {
    let timeZone: TimeZone

    func full(_ date: Date) -> String {
        format(date, "yyyy-MM-dd HH:mm:ss zzz")
    }

    func short(_ date: Date) -> String {
        format(date, "yyyy-MM-dd HH:mm")
    }

    func monthDay(_ date: Date) -> String {
        format(date, "MM-dd HH:mm")
    }

    private func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
