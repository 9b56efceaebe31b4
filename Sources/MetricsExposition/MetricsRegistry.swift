public import CoreMetrics
import Synchronization

/// A swift-metrics backend for the service's own, low-cardinality metrics, rendered by
/// ``MetricsWriter`` beside the job families.
///
/// Not for per-job series: those are rendered from the store at scrape time (a registry of
/// labeled series grows with every job and never forgets one). Every family is described
/// (``describe(_:help:)``) so that each has HELP text.
public final class MetricsRegistry: MetricsFactory, Sendable {
    /// Histogram bucket bounds in seconds for timers: 0.5 ms to 10 s.
    public static let durationBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Key: Hashable {
        var label: String
        var dimensions: [String]
    }

    private struct State {
        var series: [Key: any RenderableHandler] = [:]
        var help: [String: String] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Sets the HELP text of a family.
    public func describe(_ label: String, help: String) {
        state.withLock { $0.help[label] = help }
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        handler(label, dimensions) { CounterBox() }
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        handler(label, dimensions) { FloatingCounterBox() }
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        handler(label, dimensions) { GaugeBox() }
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        aggregate ? handler(label, dimensions) { HistogramBox(buckets: Self.durationBuckets, scale: 1) } : handler(label, dimensions) { GaugeBox() }
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        handler(label, dimensions) { HistogramBox(buckets: Self.durationBuckets, scale: 1e-9) }
    }

    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}

    /// Writes every family, sorted by name, each series sorted by its labels.
    public func render(into writer: inout MetricsWriter) {
        let (series, help) = state.withLock { ($0.series, $0.help) }
        let families = Dictionary(grouping: series, by: { $0.key.label })
        for label in families.keys.sorted() {
            let members = families[label]!.sorted { $0.key.dimensions.lexicographicallyPrecedes($1.key.dimensions) }
            writer.family(label, type: members[0].value.type, help: help[label] ?? "hpc-obs service metric \(label).")
            for (key, handler) in members {
                handler.render(name: label, dimensions: key.dimensions, into: &writer)
            }
        }
    }

    private func handler<Handler: RenderableHandler>(_ label: String, _ dimensions: [(String, String)], make: () -> Handler) -> Handler {
        let key = Key(label: label, dimensions: dimensions.sorted { $0.0 < $1.0 }.flatMap { [$0.0, $0.1] })
        return state.withLock { state in
            if let existing = state.series[key] as? Handler { return existing }
            let created = make()
            state.series[key] = created
            return created
        }
    }
}

/// A handler the registry can write out.
private protocol RenderableHandler: Sendable {
    var type: MetricType { get }
    func render(name: String, dimensions: [String], into writer: inout MetricsWriter)
}

private func labels(_ dimensions: [String], extra: (String, String)? = nil) -> [UInt8] {
    var pairs = stride(from: 0, to: dimensions.count, by: 2).map { (name: dimensions[$0], value: dimensions[$0 + 1]) }
    if let extra { pairs.append((extra.0, extra.1)) }
    return MetricsWriter.labelBlock(pairs)
}

private final class CounterBox: CounterHandler, RenderableHandler {
    private let value = Atomic<Int64>(0)
    var type: MetricType { .counter }
    func increment(by amount: Int64) { value.add(amount, ordering: .relaxed) }
    func reset() { value.store(0, ordering: .relaxed) }
    func render(name: String, dimensions: [String], into writer: inout MetricsWriter) {
        writer.sample(name, labels: labels(dimensions), value.load(ordering: .relaxed))
    }
}

private final class FloatingCounterBox: FloatingPointCounterHandler, RenderableHandler {
    private let value = Mutex<Double>(0)
    var type: MetricType { .counter }
    func increment(by amount: Double) { value.withLock { $0 += amount } }
    func reset() { value.withLock { $0 = 0 } }
    func render(name: String, dimensions: [String], into writer: inout MetricsWriter) {
        writer.sample(name, labels: labels(dimensions), value.withLock { $0 })
    }
}

private final class GaugeBox: MeterHandler, RecorderHandler, RenderableHandler {
    private let value = Mutex<Double>(0)
    var type: MetricType { .gauge }
    func set(_ value: Int64) { self.value.withLock { $0 = Double(value) } }
    func set(_ value: Double) { self.value.withLock { $0 = value } }
    func increment(by amount: Double) { value.withLock { $0 += amount } }
    func decrement(by amount: Double) { value.withLock { $0 -= amount } }
    func record(_ value: Int64) { set(value) }
    func record(_ value: Double) { set(value) }
    func render(name: String, dimensions: [String], into writer: inout MetricsWriter) {
        writer.sample(name, labels: labels(dimensions), value.withLock { $0 })
    }
}

private final class HistogramBox: RecorderHandler, TimerHandler, RenderableHandler {
    private struct Counts {
        var buckets: [Int64]
        var sum: Double = 0
        var count: Int64 = 0
    }

    private let bounds: [Double]
    /// Multiplies recorded values: 1e-9 turns a timer's nanoseconds into seconds.
    private let scale: Double
    private let counts: Mutex<Counts>

    init(buckets: [Double], scale: Double) {
        bounds = buckets
        self.scale = scale
        counts = Mutex(Counts(buckets: Array(repeating: 0, count: buckets.count)))
    }

    var type: MetricType { .histogram }
    func record(_ value: Int64) { observe(Double(value) * scale) }
    func record(_ value: Double) { observe(value * scale) }
    func recordNanoseconds(_ duration: Int64) { observe(Double(duration) * scale) }

    private func observe(_ value: Double) {
        counts.withLock { counts in
            if let index = bounds.firstIndex(where: { value <= $0 }) { counts.buckets[index] += 1 }
            counts.sum += value
            counts.count += 1
        }
    }

    func render(name: String, dimensions: [String], into writer: inout MetricsWriter) {
        let snapshot = counts.withLock { $0 }
        var cumulative: Int64 = 0
        for (bound, count) in zip(bounds, snapshot.buckets) {
            cumulative += count
            writer.sample(name + "_bucket", labels: labels(dimensions, extra: ("le", formatBound(bound))), cumulative)
        }
        writer.sample(name + "_bucket", labels: labels(dimensions, extra: ("le", "+Inf")), snapshot.count)
        writer.sample(name + "_sum", labels: labels(dimensions), snapshot.sum)
        writer.sample(name + "_count", labels: labels(dimensions), snapshot.count)
    }

    private func formatBound(_ bound: Double) -> String {
        bound == bound.rounded() ? String(Int64(bound)) + ".0" : String(bound)
    }
}
