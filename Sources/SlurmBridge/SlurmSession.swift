import Dispatch
public import SlurmPolling
import Synchronization

/// libslurm for the whole process: opened on first use, and called one call at a time on a
/// thread of its own. Its calls block, and not all of them are thread-safe; the poller and
/// the collector share one session, and neither ever blocks the threads that answer HTTP.
public final class SlurmSession: Sendable {
    public let configPath: String
    private let queue = DispatchQueue(label: "hpc-obs.libslurm")
    /// Touched only on `queue`.
    private nonisolated(unsafe) var controller: SlurmController?

    public init(configPath: String) {
        self.configPath = configPath
    }

    /// Runs `body` with the controller on libslurm's thread, opening it first if needed
    /// (a failed open is tried again at the next call).
    public func run<Result: Sendable>(_ body: @escaping @Sendable (SlurmController) throws(SlurmError) -> Result) async throws(SlurmError) -> Result {
        let outcome: Swift.Result<Result, SlurmError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(
                    returning: Swift.Result { () throws(SlurmError) in
                        let controller: SlurmController
                        if let open = self.controller {
                            controller = open
                        } else {
                            controller = try SlurmController(configPath: self.configPath)
                            self.controller = controller
                        }
                        return try body(controller)
                    }
                )
            }
        }
        return try outcome.get()
    }
}

extension SlurmSession: SlurmJobSource {
    public func clusterName() async throws(SlurmError) -> String? {
        try await run { $0.clusterName }
    }

    public func loadJobs(
        changedSince lastUpdate: Int,
        isUnchanged: @escaping @Sendable (UInt32, Int) -> Bool
    ) async throws(SlurmError) -> SlurmJobsLoad {
        try await run { controller throws(SlurmError) in try controller.loadJobs(changedSince: lastUpdate, isUnchanged: isUnchanged) }
    }
}
