import ArgumentParser
import Foundation
import ServiceClient

/// `--url`, shared by the commands that talk to the service.
struct ServiceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The service's URL, such as http://obs.example.org:8080; overrides HPC_OBS_URL.", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("Seconds to wait for the service.", valueName: "seconds"))
    var timeout: Double = 10

    func validate() throws {
        guard timeout.isFinite, timeout >= 0.1, timeout <= 600 else {
            throw ValidationError("--timeout must be a number of seconds from 0.1 to 600")
        }
    }

    /// The settings, or a usage failure that says how to name the service.
    func settings() throws -> ClientSettings {
        let environment = ProcessInfo.processInfo.environment
        let file = ClientSettings.readSettingsFile(environment: environment)
        do {
            return try ClientSettings.resolve(file: file.values, environment: environment, urlOverride: url)
        } catch {
            throw CommandFailure(.usage, error.description)
        }
    }

    /// Runs `body` against the service; its errors become exit statuses.
    func withService<Result: Sendable>(_ body: (ObservabilityService) async throws -> Result) async throws -> Result {
        let settings = try settings()
        do {
            return try await ObservabilityService.with(settings, timeout: .milliseconds(Int64(timeout * 1_000)), body)
        } catch let error as ServiceError {
            throw CommandFailure(error)
        }
    }
}

/// A `--since` or `--until` value, as `TimeExpression` reads it.
func parseTime(_ text: String) throws -> Date {
    guard let date = TimeExpression.parse(text, now: Date(), timeZone: .current) else {
        throw ValidationError("'\(text.prefix(64))' is not \(TimeExpression.accepted)")
    }
    return date
}
