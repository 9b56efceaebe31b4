/// What describes a job apart from its life: its name, where it was sent and what it asked
/// for.
///
/// A submission, a hook, the poller, an event and a `PATCH` all carry these same seven
/// values, each of them optional (a node's prolog knows the partition, not the memory request).
/// One value carries them for every type that does (``Job``, ``JobUpdate``,
/// ``LifecycleEvent``), with its rules in one place, so an attribute added here reaches them
/// all. Those types read them as their own (`job.partition`) through dynamic member lookup.
public struct JobAttributes: Sendable, Hashable {
    public var name: String?
    public var partition: String?
    public var account: String?
    public var cluster: String?
    public var requestedCPUs: Int?
    public var requestedMemoryBytes: Int64?
    public var requestedGPUs: Int?

    public init(
        name: String? = nil,
        partition: String? = nil,
        account: String? = nil,
        cluster: String? = nil,
        requestedCPUs: Int? = nil,
        requestedMemoryBytes: Int64? = nil,
        requestedGPUs: Int? = nil
    ) {
        self.name = name
        self.partition = partition
        self.account = account
        self.cluster = cluster
        self.requestedCPUs = requestedCPUs
        self.requestedMemoryBytes = requestedMemoryBytes
        self.requestedGPUs = requestedGPUs
    }

    /// These attributes with `newer`'s wherever `newer` has one: newer information wins, and
    /// what a source does not know leaves the value as it was.
    public func updated(with newer: JobAttributes) -> JobAttributes {
        var merged = self
        for rule in Self.rules where rule.isSet(newer) {
            rule.copy(newer, &merged)
        }
        return merged
    }

    /// Throws the first attribute the store refuses (the limits are ``JobLimits``'), named as
    /// the API names it.
    public func validate() throws(ValidationError) {
        for rule in Self.rules {
            try rule.check(self)
        }
    }

    /// These attributes without those the store would refuse, and why each went: a scheduler's
    /// odd value (a queue name with a space, a GPU count past the limit) costs that value, not
    /// the job.
    public func keepingValid() -> (attributes: JobAttributes, dropped: [ValidationError]) {
        var kept = self
        var dropped: [ValidationError] = []
        for rule in Self.rules {
            do {
                try rule.check(self)
            } catch {
                dropped.append(error)
                rule.clear(&kept)
            }
        }
        return (kept, dropped)
    }

    /// One attribute's rule, and how to tell, copy and clear it.
    private struct Rule: Sendable {
        var check: @Sendable (JobAttributes) throws(ValidationError) -> Void
        var isSet: @Sendable (JobAttributes) -> Bool
        var copy: @Sendable (JobAttributes, inout JobAttributes) -> Void
        var clear: @Sendable (inout JobAttributes) -> Void

        init<Value: Sendable>(
            _ keyPath: any WritableKeyPath<JobAttributes, Value?> & Sendable,
            check: @escaping @Sendable (Value) throws(ValidationError) -> Void
        ) {
            self.check = { attributes throws(ValidationError) in
                if let value = attributes[keyPath: keyPath] { try check(value) }
            }
            isSet = { $0[keyPath: keyPath] != nil }
            copy = { source, target in target[keyPath: keyPath] = source[keyPath: keyPath] }
            clear = { $0[keyPath: keyPath] = nil }
        }
    }

    private static let rules: [Rule] = [
        Rule(\.name) { name throws(ValidationError) in try JobLimits.validateOptionalText(name, field: "name", maxBytes: JobLimits.maxJobNameBytes) },
        Rule(\.partition) { partition throws(ValidationError) in try JobLimits.validateOptionalName(partition, field: "partition") },
        Rule(\.account) { account throws(ValidationError) in try JobLimits.validateOptionalName(account, field: "account") },
        Rule(\.cluster) { cluster throws(ValidationError) in try JobLimits.validateOptionalName(cluster, field: "cluster") },
        Rule(\.requestedCPUs) { cpus throws(ValidationError) in try JobLimits.validateRange(cpus, field: "requestedCpus", JobLimits.requestedCPURange)
        },
        Rule(\.requestedMemoryBytes) { bytes throws(ValidationError) in try JobLimits.validateMemory(bytes, field: "requestedMemoryMb") },
        Rule(\.requestedGPUs) { gpus throws(ValidationError) in try JobLimits.validateRange(gpus, field: "requestedGpus", JobLimits.requestedGPURange)
        },
    ]
}

/// A type that carries a job's attributes and reads them as its own (`job.partition`), so
/// that what the attributes are is said once, in ``JobAttributes``.
@dynamicMemberLookup
public protocol CarriesJobAttributes {
    var attributes: JobAttributes { get set }
}

extension CarriesJobAttributes {
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<JobAttributes, Value>) -> Value {
        get { attributes[keyPath: keyPath] }
        set { attributes[keyPath: keyPath] = newValue }
    }
}
