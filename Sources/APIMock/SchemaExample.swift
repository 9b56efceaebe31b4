/// A value that satisfies a schema, for responses the spec gives no example for: the
/// schema's own `example`, else its first `enum` value, else the smallest value of its type
/// with every required property filled in.
struct SchemaExample {
    let spec: OpenAPISpec

    func value(for schemaValue: JSONValue, depth: Int = 0) -> JSONValue {
        let schema = spec.resolve(schemaValue)
        if let example = schema["example"] { return example }
        if let first = schema["enum"]?.arrayValue?.first { return first }
        if depth > 16 { return .null }
        if let first = (schema["oneOf"] ?? schema["anyOf"])?.arrayValue?.first { return value(for: first, depth: depth + 1) }
        switch schema["type"]?.stringValue {
        case "object":
            var object: [String: JSONValue] = [:]
            let properties = schema["properties"]?.object ?? [:]
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                object[name] = value(for: properties[name] ?? .object([:]), depth: depth + 1)
            }
            return .object(object)
        case "array":
            let count = Int(schema["minItems"]?.doubleValue ?? 0)
            return .array(Array(repeating: value(for: schema["items"] ?? .object([:]), depth: depth + 1), count: count))
        case "integer": return .integer(Int64(schema["minimum"]?.doubleValue ?? 0))
        case "number": return .number(schema["minimum"]?.doubleValue ?? 0)
        case "boolean": return .bool(false)
        case "string":
            if schema["format"]?.stringValue == "date-time" { return .string("2026-11-29T08:00:00Z") }
            return .string(String(repeating: "x", count: Int(schema["minLength"]?.doubleValue ?? 0)))
        default: return .null
        }
    }
}
