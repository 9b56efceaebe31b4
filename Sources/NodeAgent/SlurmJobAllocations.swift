public import NodeCollector
public import SlurmBridge
import SlurmPolling

/// Jobs' allocations as slurmctld records them, through the process's libslurm session.
public struct SlurmJobAllocations: JobAllocationSource {
    let slurm: SlurmSession

    public init(slurm: SlurmSession) {
        self.slurm = slurm
    }

    public func allocation(ofJob nodeJobID: String, onNode node: String) async throws -> JobAllocation? {
        guard let id = UInt32(nodeJobID) else { return nil }
        let found = try await slurm.run { controller throws(SlurmError) in try controller.allocation(ofJob: id, onNode: node) }
        return found.map { JobAllocation(jobID: $0.jobID, gpuIndices: $0.gpuIndices) }
    }
}

/// Job steps' processes as slurmd records them, through the process's libslurm session.
public struct SlurmStepProcesses: StepProcessSource {
    let slurm: SlurmSession

    public init(slurm: SlurmSession) {
        self.slurm = slurm
    }

    public func stepPIDs(onNode node: String) async throws -> [String: [Int32]] {
        try await slurm.run { controller throws(SlurmError) in try controller.stepPIDs(onNode: node) }
    }
}
