import NodeCollector
import Synchronization
import Testing

/// slurmctld's records as a table, counting the questions asked.
final class RecordedAllocations: JobAllocationSource {
    let table: [String: JobAllocation]
    let failing: Bool
    let asked = Mutex<[String]>([])

    init(_ table: [String: JobAllocation], failing: Bool = false) {
        self.table = table
        self.failing = failing
    }

    struct Unreachable: Error {}

    func allocation(ofJob nodeJobID: String, onNode node: String) async throws -> JobAllocation? {
        asked.withLock { $0.append(nodeJobID) }
        if failing { throw Unreachable() }
        return table[nodeJobID]
    }
}

@Suite("Job identities")
struct JobIdentitiesTests {
    func reading(_ id: String) -> JobUsageReading {
        JobUsageReading(jobID: id, cpuSeconds: 1, memoryBytes: 1)
    }

    @Test func readingsTakeTheServicesIDsAndGPUsFromSlurmAskingOncePerJob() async {
        let slurm = RecordedAllocations([
            "121": JobAllocation(jobID: "120_2", gpuIndices: [1, 3]),
            "7": JobAllocation(jobID: "7"),
        ])
        var identities = JobIdentities()
        let first = await identities.resolve([reading("121"), reading("7"), reading("8")], node: "n1", source: slurm)
        #expect(first.map(\.jobID) == ["120_2", "7"])
        #expect(first.map(\.gpuIndices) == [[1, 3], []])
        #expect(identities.unmapped == 1)
        _ = await identities.resolve([reading("121"), reading("7")], node: "n1", source: slurm)
        #expect(identities.unmapped == 0)
        // Known jobs are not asked about again; the unknown one is, each cycle it shows.
        #expect(slurm.asked.withLock { $0 } == ["121", "7", "8"])
    }

    @Test func whenSlurmCannotBeAskedNothingIsGuessedAndItIsAskedOnce() async {
        var identities = JobIdentities()
        let slurm = RecordedAllocations([:], failing: true)
        let readings = await identities.resolve([reading("121"), reading("122"), reading("123")], node: "n1", source: slurm)
        #expect(readings.isEmpty)
        #expect(identities.unmapped == 3)
        #expect(identities.lastFailure != nil)
        #expect(slurm.asked.withLock { $0 } == ["121"])
    }
}
