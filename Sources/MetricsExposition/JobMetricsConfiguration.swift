/// What per-job series look like, and how many a scrape may hold.
public struct JobMetricsConfiguration: Sendable, Hashable {
    /// A label per-job series can carry.
    public enum Label: String, Sendable, Hashable, CaseIterable {
        case jobID = "job_id"
        case user
        case state
        case partition
        case cluster
        /// The node the newest sample names, when it names one.
        case node
    }

    /// Labels on per-job series, `job_id` and `cluster` always among them: without either, two
    /// jobs' series would collide (two clusters' job 123 share a `job_id`), and Prometheus
    /// would refuse the scrape's duplicate samples. A job without a cluster has an empty
    /// `cluster`, which Prometheus reads as no label. Dropping `user` suits sites that treat
    /// user names as private.
    public var labels: [Label]
    /// Per-job series a scrape holds at most; jobs past it (in job id order) are left out
    /// and counted. Defaults to 100,000.
    public var maxSeries: Int

    public static let defaultMaxSeries = 100_000

    public init(labels: [Label] = Label.allCases, maxSeries: Int = defaultMaxSeries) {
        self.labels = [Label.jobID, .cluster].filter { !labels.contains($0) } + labels
        self.maxSeries = maxSeries
    }
}
