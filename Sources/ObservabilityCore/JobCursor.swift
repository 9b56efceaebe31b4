#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where a page of a listing ended, so the next page starts right after it: the last job's
/// submission time and id, in the listing's order. A deep page then costs what the first does
/// (an index seek, not `OFFSET` rows read and thrown away), and jobs added meanwhile do not
/// shift it.
///
/// Clients see it as an opaque string (`cursor` in, `nextCursor` out); its form may change
/// between versions, and a cursor this version did not make is a 400.
public struct JobCursor: Sendable, Hashable {
    /// The last job's submission time, in microseconds since 1970.
    public var submitMicroseconds: Int64
    public var id: String

    public init(submitMicroseconds: Int64, id: String) {
        self.submitMicroseconds = submitMicroseconds
        self.id = id
    }

    /// The cursor after `job`.
    public init(after job: Job) {
        self.init(submitMicroseconds: Microseconds.since1970(job.submitTime), id: job.id)
    }

    /// `v1.<microseconds>.<id>`, base64url without padding.
    public var encoded: String {
        let base64 = Data("v1.\(submitMicroseconds).\(id)".utf8).base64EncodedString()
        return String(
            decoding: base64.utf8.compactMap { byte -> UInt8? in
                switch byte {
                case UInt8(ascii: "+"): UInt8(ascii: "-")
                case UInt8(ascii: "/"): UInt8(ascii: "_")
                case UInt8(ascii: "="): nil
                default: byte
                }
            },
            as: UTF8.self
        )
    }

    /// A cursor this service made; throws for anything else.
    public init(decoding text: String, field: String = "cursor") throws(ValidationError) {
        func refuse() -> ValidationError {
            ValidationError(.unknownValue, field: field, "is not a cursor this service gave out (take nextCursor from the previous page)")
        }
        guard !text.isEmpty, text.utf8.count <= 256, text.utf8.allSatisfy({ $0 < 0x80 }) else { throw refuse() }
        var base64 = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8) else { throw refuse() }
        let parts = plain.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let microseconds = Int64(parts[1]) else { throw refuse() }
        let id = String(parts[2])
        guard (try? JobLimits.validateJobID(id)) != nil else { throw refuse() }
        self.init(submitMicroseconds: microseconds, id: id)
    }
}
