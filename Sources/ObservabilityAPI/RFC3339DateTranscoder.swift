public import Foundation
import ObservabilityCore
public import OpenAPIRuntime

/// Reads times with the service's one RFC 3339 grammar (four-digit years, so a query such as
/// `since=300000-01-01T00:00:00Z` is a 400); whether a time is one the service keeps is the
/// core's rule, checked where the field is known. Writes every time with three fraction
/// digits, rounded: a time sent with milliseconds or fewer reads back as it was sent.
public struct RFC3339DateTranscoder: DateTranscoder {
    public init() {}

    public func encode(_ date: Date) throws -> String {
        RFC3339.format(date)
    }

    public func decode(_ text: String) throws -> Date {
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: [],
                    debugDescription: "'\(text.prefix(RFC3339.maxBytes))' is not an RFC 3339 date-time such as 2026-11-29T08:00:00Z"
                )
            )
        }
        return date
    }
}
