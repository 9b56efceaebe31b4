/// A PBS resource string as prologues and epilogues get it: `name=value` pairs joined by
/// commas, such as `cput=00:10:02,mem=5242880kb,ncpus=8,vmem=6291456kb,walltime=00:20:00`.
///
/// MoM builds these strings in a 2,048-byte buffer and skips, without a word, each pair that
/// no longer fits (OpenPBS leaves its comma behind): any name may be missing. A string that reaches
/// ``cutLength`` may also have been cut mid-value on its way (a wrapper copying it through a
/// buffer of the same size), where `mem=52428` would read as 52 KB: its last pair is dropped
/// rather than trusted.
public struct PBSResourceList: Sendable, Hashable {
    /// The longest string MoM passes whole.
    public static let cutLength = 2_047

    /// Each resource's raw value, the later pair winning when a name repeats.
    public private(set) var values: [String: String]
    /// True when the string was long enough to have been cut and its last pair was dropped.
    public private(set) var wasCut: Bool
    /// `resources_used`, `Resource_List`: named in errors.
    public let field: String

    /// Never fails: a pair without `=` is skipped, and values are only read on request.
    public init(parsing text: String, field: String) {
        self.field = field
        var pairs = text.split(separator: ",", omittingEmptySubsequences: true)
        wasCut = text.utf8.count >= Self.cutLength && !pairs.isEmpty
        if wasCut { pairs.removeLast() }
        values = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = pair[..<equals]
            guard !name.isEmpty else { continue }
            values[String(name)] = String(pair[pair.index(after: equals)...])
        }
    }

    /// A resource list PBS printed as an object (`qstat -F json`): already split, never cut.
    public init(values: [String: String], field: String) {
        self.field = field
        self.values = values
        wasCut = false
    }

    public subscript(name: String) -> String? {
        values[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A time resource (`walltime`, `cput`) in seconds; nil when absent.
    public func seconds(_ name: String) throws(SchedulerFormatError) -> Double? {
        guard let text = self[name] else { return nil }
        return try PBSDuration.seconds(text, field: "\(field).\(name)")
    }

    /// A size resource (`mem`, `vmem`) in bytes; nil when absent.
    public func bytes(_ name: String) throws(SchedulerFormatError) -> Int64? {
        guard let text = self[name] else { return nil }
        return try PBSSize.bytes(text, field: "\(field).\(name)")
    }

    /// A count (`ncpus`, `ngpus`, `cpupercent`); nil when absent.
    public func count(_ name: String) throws(SchedulerFormatError) -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw SchedulerFormatError(field: "\(field).\(name)", value: text, reason: "expected a whole number ≥ 0")
        }
        return value
    }
}

extension PBSResourceList {
    /// `ncpus`, else Torque's `nodes=N:ppn=M` (N × M) or `procs`.
    public func requestedCPUs() throws(SchedulerFormatError) -> Int? {
        if let cpus = try count("ncpus"), cpus > 0 { return cpus }
        if let nodes = self["nodes"], let count = Self.torqueNodeSpec(nodes, per: "ppn", defaultPer: 1) { return count }
        if let procs = try count("procs"), procs > 0 { return procs }
        return nil
    }

    /// `ngpus` (a site resource, the common spelling), `naccelerators`, or Torque's
    /// `nodes=N:gpus=K` (N × K).
    public func requestedGPUs() throws(SchedulerFormatError) -> Int? {
        if let gpus = try count("ngpus") { return gpus }
        if let gpus = try count("naccelerators") { return gpus }
        if let nodes = self["nodes"], nodes.contains("gpus=") { return Self.torqueNodeSpec(nodes, per: "gpus", defaultPer: 0) }
        return nil
    }

    /// Sums `count:key=value` over Torque's `+`-joined node specs (`2:ppn=4+1:ppn=2` is 10);
    /// a spec naming hosts instead of a count counts as one node. Nil when a value is not a
    /// number or the sum does not fit.
    private static func torqueNodeSpec(_ spec: String, per key: String, defaultPer: Int) -> Int? {
        var total = 0
        for part in spec.split(separator: "+") {
            let fields = part.split(separator: ":")
            guard let first = fields.first else { continue }
            let nodes = Int(first) ?? 1
            var per = defaultPer
            for field in fields.dropFirst() where field.hasPrefix("\(key)=") {
                guard let value = Int(field.dropFirst(key.count + 1)), value >= 0 else { return nil }
                per = value
            }
            let (product, productOverflow) = nodes.multipliedReportingOverflow(by: per)
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            guard nodes >= 0, !productOverflow, !sumOverflow else { return nil }
            total = sum
        }
        return total > 0 ? total : nil
    }
}
