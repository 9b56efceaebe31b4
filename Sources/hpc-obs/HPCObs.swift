import ArgumentParser
import Foundation
import ObservabilityCore
import ServiceClient

/// `hpc-obs`: the service from a login node's terminal.
@main
struct HPCObs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hpc-obs",
        abstract: "Reports on HPC jobs from the hpc-obs service: a job's use against its request, job lists, cluster statistics.",
        discussion: """
            The service is found as the hooks find it: HPC_OBS_URL, HPC_OBS_TOKEN_FILE and \
            HPC_OBS_CA_FILE from the environment, else from /etc/hpc-obs/hpc-obs.conf (or the file \
            HPC_OBS_CONFIG names); --url overrides. Colour and bar glyphs only on a terminal; \
            NO_COLOR turns colour off.

            Exit status: 0 success, 1 the job is unknown (or doctor found a problem), 2 bad usage, \
            3 the service cannot be reached or answered an error.
            """,
        version: ServiceVersion.current,
        subcommands: [JobCommand.self, JobsCommand.self, StatsCommand.self, HealthCommand.self, DoctorCommand.self, SlurmVersionsCommand.self]
    )

    /// Runs the command, mapping failures to the documented exit statuses: ArgumentParser's
    /// own usage errors exit 64, ours 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            Output.error(failure.message)
            Foundation.exit(failure.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Output.error(fullMessage(for: error))
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// The exit statuses scripts can rely on.
enum ExitStatus: Int32 {
    case success = 0
    case unknownJob = 1
    case usage = 2
    case service = 3
}

/// A failure with its exit status and the one line that says what to do.
struct CommandFailure: Error {
    var status: ExitStatus
    var message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    init(_ error: ServiceError) {
        switch error {
        case .notFound: self.init(.unknownJob, error.description)
        case .badRequest: self.init(.usage, error.description)
        default: self.init(.service, error.description)
        }
    }
}
