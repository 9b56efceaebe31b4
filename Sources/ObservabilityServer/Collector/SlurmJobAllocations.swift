import NodeCollector
import SlurmBridge

/// Jobs' allocations as slurmctld records them, through the process's libslurm session.
struct SlurmJobAllocations: JobAllocationSource {
    let slurm: SlurmSession

    func allocation(ofJob nodeJobID: String, onNode node: String) async throws -> JobAllocation? {
        guard let id = UInt32(nodeJobID) else { return nil }
        let found = try await slurm.run { controller throws(SlurmError) in try controller.allocation(ofJob: id, onNode: node) }
        return found.map { JobAllocation(jobID: $0.jobID, gpuIndices: $0.gpuIndices) }
    }
}
