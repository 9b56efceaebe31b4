public import OpenAPIRuntime

/// How the generated code encodes and decodes the API's values.
///
/// Two departures from the runtime's defaults: dates, because clients send RFC 3339 times
/// with or without fractional seconds (`2026-11-29T08:00:00Z`, `…08:00:00.250Z`) and both
/// must be accepted; and compact JSON, because pretty-printing a page of 100 jobs costs more
/// than reading it from the database.
public enum APIConfiguration {
    public static let runtime = Configuration(dateTranscoder: RFC3339DateTranscoder(), jsonEncodingOptions: [])
}
