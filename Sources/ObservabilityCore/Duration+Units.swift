extension Duration {
    /// Whole nanoseconds, as swift-metrics timers take them.
    public var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }

    /// Seconds as a `Double`, for timeouts and arithmetic with wall-clock intervals.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
