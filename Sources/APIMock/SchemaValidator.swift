import Foundation

/// Checks a JSON value against an OpenAPI 3.0 schema: types, `nullable`, `enum`, `required`,
/// `properties`, `items`, lengths, bounds, `pattern`, `format: date-time`, `oneOf`, `anyOf`,
/// `allOf`. Returns the first problem found, as `field: what is wrong`, or nil.
public struct SchemaValidator: Sendable {
    public let spec: OpenAPISpec

    public init(spec: OpenAPISpec) {
        self.spec = spec
    }

    /// Whether a problem is about the shape of the value (a type, a missing field: the API
    /// answers 400) or about a value that has the right shape but breaks a rule (422).
    public enum Severity: Sendable { case shape, rule }

    public struct Problem: Sendable, Hashable {
        public var field: String
        public var detail: String
        public var severity: Severity
    }

    public func validate(_ value: JSONValue, against schemaValue: JSONValue, at field: String = "") -> Problem? {
        let schema = spec.resolve(schemaValue)
        if case .null = value {
            if schema["nullable"]?.boolValue == true || schema["type"] == nil && schema["oneOf"] == nil { return nil }
            return Problem(field: field, detail: "must not be null", severity: .shape)
        }
        if let all = schema["allOf"]?.arrayValue {
            for part in all { if let problem = validate(value, against: part, at: field) { return problem } }
        }
        if let one = schema["oneOf"]?.arrayValue {
            let matches = one.filter { validate(value, against: $0, at: field) == nil }.count
            if matches != 1 {
                return Problem(field: field, detail: "matches \(matches) of the \(one.count) allowed shapes, not exactly one", severity: .shape)
            }
        }
        if let any = schema["anyOf"]?.arrayValue, !any.contains(where: { validate(value, against: $0, at: field) == nil }) {
            return Problem(field: field, detail: "matches none of the allowed shapes", severity: .shape)
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            return Problem(field: field, detail: "must be one of \(allowed.compactMap(\.stringValue).joined(separator: ", "))", severity: .rule)
        }
        switch schema["type"]?.stringValue {
        case "object":
            guard case .object(let object) = value else { return Problem(field: field, detail: "must be an object", severity: .shape) }
            for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[required] == nil {
                return Problem(field: join(field, required), detail: "is required", severity: .shape)
            }
            for (name, property) in schema["properties"]?.object ?? [:] {
                if let member = object[name], let problem = validate(member, against: property, at: join(field, name)) { return problem }
            }
        case "array":
            guard case .array(let items) = value else { return Problem(field: field, detail: "must be an array", severity: .shape) }
            if let minimum = schema["minItems"]?.doubleValue, Double(items.count) < minimum {
                return Problem(field: field, detail: "needs at least \(Int(minimum)) items", severity: .rule)
            }
            if let maximum = schema["maxItems"]?.doubleValue, Double(items.count) > maximum {
                return Problem(field: field, detail: "holds at most \(Int(maximum)) items", severity: .rule)
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() {
                    if let problem = validate(item, against: itemSchema, at: "\(field)[\(index)]") { return problem }
                }
            }
        case "string":
            guard case .string(let text) = value else { return Problem(field: field, detail: "must be a string", severity: .shape) }
            return validateString(text, schema: schema, field: field)
        case "integer":
            guard case .integer(let number) = value else { return Problem(field: field, detail: "must be an integer", severity: .shape) }
            return validateBounds(Double(number), schema: schema, field: field)
        case "number":
            guard let number = value.doubleValue else { return Problem(field: field, detail: "must be a number", severity: .shape) }
            return validateBounds(number, schema: schema, field: field)
        case "boolean":
            guard value.boolValue != nil else { return Problem(field: field, detail: "must be true or false", severity: .shape) }
        default:
            break
        }
        return nil
    }

    func validateString(_ text: String, schema: JSONValue, field: String) -> Problem? {
        let length = text.count
        if let minimum = schema["minLength"]?.doubleValue, Double(length) < minimum {
            return Problem(field: field, detail: "must be at least \(Int(minimum)) characters", severity: .rule)
        }
        if let maximum = schema["maxLength"]?.doubleValue, Double(length) > maximum {
            return Problem(field: field, detail: "must be at most \(Int(maximum)) characters", severity: .rule)
        }
        if let pattern = schema["pattern"]?.stringValue,
            let expression = try? NSRegularExpression(pattern: pattern),
            expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
        {
            return Problem(field: field, detail: "must match \(pattern)", severity: .rule)
        }
        if schema["format"]?.stringValue == "date-time",
            (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) == nil,
            (try? Date(text, strategy: Date.ISO8601FormatStyle())) == nil
        {
            return Problem(field: field, detail: "must be an RFC 3339 date-time such as 2026-11-29T08:00:00Z", severity: .shape)
        }
        return nil
    }

    func validateBounds(_ number: Double, schema: JSONValue, field: String) -> Problem? {
        guard number.isFinite else { return Problem(field: field, detail: "must be finite", severity: .shape) }
        if let minimum = schema["minimum"]?.doubleValue, number < minimum {
            return Problem(field: field, detail: "must be at least \(minimum)", severity: .rule)
        }
        if let maximum = schema["maximum"]?.doubleValue, number > maximum {
            return Problem(field: field, detail: "must be at most \(maximum)", severity: .rule)
        }
        return nil
    }

    private func join(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : "\(parent).\(name)"
    }
}
