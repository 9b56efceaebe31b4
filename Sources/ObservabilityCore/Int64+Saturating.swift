extension Int64 {
    /// `value` rounded toward zero and clamped to `Int64`'s range, NaN as 0.
    ///
    /// `Int64(x)` traps when `x` does not fit; for figures computed from outside data (a
    /// clock, a file, a request) a wrong but bounded number is the lesser harm, and the
    /// validation that follows refuses it.
    public init(saturating value: Double) {
        if let exact = Int64(exactly: value.rounded(.towardZero)) {
            self = exact
        } else if value.isNaN {
            self = 0
        } else {
            self = value < 0 ? .min : .max
        }
    }
}

extension Int {
    /// `value` rounded toward zero and clamped to `Int`'s range, NaN as 0.
    public init(saturating value: Double) {
        self = Int(Int64(saturating: value))
    }
}
