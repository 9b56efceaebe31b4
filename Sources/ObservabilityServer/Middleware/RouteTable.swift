import HTTPTypes

/// The operations the generated code registered: which methods each path template takes.
///
/// Hummingbird answers an unknown method on a known path with 404; with this table the
/// service answers 405 and an `Allow` header, as HTTP asks.
struct RouteTable: Sendable {
    private(set) var templates: [(segments: [Substring], methods: Set<HTTPRequest.Method>)] = []

    mutating func add(method: HTTPRequest.Method, path: String) {
        let segments = Self.segments(path)
        if let index = templates.firstIndex(where: { $0.segments == segments }) {
            templates[index].methods.insert(method)
        } else {
            templates.append((segments, [method]))
        }
    }

    /// The methods the path takes, or nil when no template matches it.
    func methods(forPath path: String) -> Set<HTTPRequest.Method>? {
        let requested = Self.segments(path)
        return templates.first { template in
            template.segments.count == requested.count
                && zip(template.segments, requested).allSatisfy { pattern, segment in
                    (pattern.hasPrefix("{") && pattern.hasSuffix("}") && !segment.isEmpty) || pattern == segment
                }
        }?.methods
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
    }
}
