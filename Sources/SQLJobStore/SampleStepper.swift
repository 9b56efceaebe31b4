import ObservabilityCore

/// Folds one job's samples, read in time order, into one ``SamplePoint`` per step and node,
/// for SQLite (see ``SQLDialect/groupsSampleSteps``).
///
/// The database hands the rows over in the order of its (job, time) index, so a step's
/// samples arrive together and a step is finished as soon as the next one starts: no sort and
/// no table of every step, where `GROUP BY` on a computed step made SQLite sort all of a job's
/// rows first (100 ms for 100,000 samples in SQLite alone). Points come out as PostgreSQL's
/// `GROUP BY` gives them: by step in the order read, and within a step by node in byte order,
/// samples without a node first.
struct SampleStepper {
    private struct Totals {
        var node: String?
        var samples = 0
        var cpuSum = 0.0
        var cpuMax = -Double.infinity
        var memorySum = 0.0
        var memoryMax = Int64.min
        var gpuSum = 0.0
        var gpuCount = 0
        var gpuMax: Double?
    }

    private let stepMicroseconds: Int64
    private let limit: Int
    private var currentStep: Int64?
    private var totals: [Totals] = []
    private var lastIndex = 0
    private(set) var points: [SamplePoint] = []

    /// - Parameters:
    ///   - stepSeconds: already checked against ``SamplePoint/stepSecondsRange``.
    ///   - limit: the most points to keep.
    init(stepSeconds: Int, limit: Int) {
        stepMicroseconds = Int64(stepSeconds) * 1_000_000
        self.limit = limit
    }

    /// Whether more rows can change the answer; once `limit` points are out they cannot.
    var wantsMore: Bool { points.count < limit }

    mutating func add(timeMicroseconds: Int64, node: String?, cpuUsage: Double, memoryBytes: Int64, gpuUsage: Double?) {
        guard wantsMore else { return }
        // Times are after 1970, so division floors, as it does in the databases.
        let step = timeMicroseconds / stepMicroseconds * stepMicroseconds
        if step != currentStep {
            flush()
            currentStep = step
        }
        // Most jobs' samples come from one node, or from their nodes in turn: the last node's
        // slot is looked at first.
        let index: Int
        if lastIndex < totals.count, totals[lastIndex].node == node {
            index = lastIndex
        } else if let found = totals.firstIndex(where: { $0.node == node }) {
            index = found
        } else {
            totals.append(Totals(node: node))
            index = totals.count - 1
        }
        lastIndex = index
        totals[index].samples += 1
        totals[index].cpuSum += cpuUsage
        totals[index].cpuMax = max(totals[index].cpuMax, cpuUsage)
        totals[index].memorySum += Double(memoryBytes)
        totals[index].memoryMax = max(totals[index].memoryMax, memoryBytes)
        if let gpuUsage {
            totals[index].gpuSum += gpuUsage
            totals[index].gpuCount += 1
            totals[index].gpuMax = max(totals[index].gpuMax ?? gpuUsage, gpuUsage)
        }
    }

    /// The points, the last step included.
    mutating func finish() -> [SamplePoint] {
        flush()
        return points
    }

    private mutating func flush() {
        guard let step = currentStep else { return }
        totals.sort { Self.nodeOrder($0.node, $1.node) }
        for total in totals where wantsMore {
            let count = Double(total.samples)
            points.append(
                SamplePoint(
                    time: Microseconds.date(step),
                    node: total.node,
                    samples: total.samples,
                    cpuUsage: total.cpuSum / count,
                    cpuUsageMax: total.cpuMax,
                    memoryBytes: total.memorySum / count,
                    memoryBytesMax: total.memoryMax,
                    gpuUsage: total.gpuCount > 0 ? total.gpuSum / Double(total.gpuCount) : nil,
                    gpuUsageMax: total.gpuMax
                )
            )
        }
        totals.removeAll(keepingCapacity: true)
        currentStep = nil
    }

    /// `ORDER BY COALESCE(node, '')` under SQLite's binary collation: no node first, then bytes.
    private static func nodeOrder(_ left: String?, _ right: String?) -> Bool {
        (left ?? "").utf8.lexicographicallyPrecedes((right ?? "").utf8)
    }
}
