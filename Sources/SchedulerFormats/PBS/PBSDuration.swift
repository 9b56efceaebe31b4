/// PBS time values (`walltime`, `cput`): `[[HH:]MM:]SS[.fraction]`, hours unbounded
/// (`120:00:00`), or plain seconds.
public enum PBSDuration {
    /// The value in seconds; `field` names it in the error.
    public static func seconds(_ text: String, field: String) throws(SchedulerFormatError) -> Double {
        func failure(_ reason: String) -> SchedulerFormatError {
            SchedulerFormatError(field: field, value: text, reason: reason)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 3 else { throw failure("expected [[HH:]MM:]SS") }
        var total = 0.0
        for (index, part) in parts.enumerated() {
            let isLast = index == parts.count - 1
            guard !part.isEmpty, part.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || (isLast && $0 == UInt8(ascii: ".")) }),
                part.utf8.count <= 20, let value = Double(part)
            else {
                throw failure("expected [[HH:]MM:]SS with digits only, and a fraction only on the seconds")
            }
            // Minutes and seconds below hours stay below 60; the first field may be any size.
            if index > 0, value >= 60 { throw failure("minutes and seconds are below 60") }
            total = total * 60 + value
        }
        return total
    }
}
