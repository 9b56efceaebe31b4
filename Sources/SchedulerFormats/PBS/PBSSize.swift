/// PBS sizes (`mem`, `vmem`): a whole number with an optional unit, `b`, `kb`, `mb`, `gb`,
/// `tb`, `pb` in bytes or `w`, `kw`, … in words, any case, powers of 1,024; no unit means bytes.
public enum PBSSize {
    /// Bytes in a word, as MoM counts them on 64-bit Linux.
    public static let wordBytes: Int64 = 8

    /// The value in bytes; `field` names it in the error. Sizes past `Int64.max` are errors.
    public static func bytes(_ text: String, field: String) throws(SchedulerFormatError) -> Int64 {
        func failure(_ reason: String) -> SchedulerFormatError {
            SchedulerFormatError(field: field, value: text, reason: reason)
        }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 19, let number = Int64(digits) else {
            throw failure("expected a whole number of bytes with an optional unit such as kb")
        }
        var unit = text[digits.endIndex...].lowercased()
        var scale: Int64 = 1
        if unit.hasSuffix("w") {
            scale = wordBytes
            unit.removeLast()
        } else if unit.hasSuffix("b") {
            unit.removeLast()
        } else if !unit.isEmpty {
            throw failure("unknown unit '\(unit)'; PBS sizes end in b, kb, mb, gb, tb, pb or w, kw, …")
        }
        let powers = ["": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5]
        guard let power = powers[unit] else {
            throw failure("unknown unit prefix '\(unit)'; PBS sizes end in b, kb, mb, gb, tb, pb or w, kw, …")
        }
        for _ in 0..<power { scale *= 1_024 }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw failure("more than 8 EiB") }
        return bytes
    }
}
