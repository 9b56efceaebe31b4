/// The metric types this service exposes.
public enum MetricType: String, Sendable {
    case counter
    case gauge
    case histogram
}
