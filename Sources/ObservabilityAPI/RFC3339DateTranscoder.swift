public import Foundation
public import OpenAPIRuntime

/// Decodes RFC 3339 times with or without fractional seconds; encodes with milliseconds only
/// when the time has them, so whole-second times read back exactly as they were sent.
public struct RFC3339DateTranscoder: DateTranscoder {
    public init() {}

    public func encode(_ date: Date) throws -> String {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: date.timeIntervalSince1970.rounded(.down) != date.timeIntervalSince1970)
        return date.formatted(style)
    }

    public func decode(_ text: String) throws -> Date {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) {
            return date
        }
        throw DecodingError.dataCorrupted(
            DecodingError.Context(codingPath: [], debugDescription: "'\(text)' is not an RFC 3339 date-time such as 2026-11-29T08:00:00Z")
        )
    }
}
