/// How long a poller waits after failed cycles: long enough that a scheduler in trouble is
/// not asked again and again, short enough that recovery is seen within minutes.
public enum PollBackOff {
    /// The pause after `failures` failed cycles in a row: 2, 4, 8, then 10 intervals.
    public static func pause(interval: Duration, failures: Int) -> Duration {
        interval * min(10, 1 << min(failures, 4))
    }
}
