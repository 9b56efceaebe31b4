import ArgumentParser
import EventTransport
import Foundation
import JobReports
import NodeCollector
import ObservabilityAPI
import ObservabilityCore
import ServiceClient
import SetupDoctor
import SlurmBridge
import SlurmPolling

/// `hpc-obs doctor`: what stands between this host and results, each with its fix.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract:
            "Checks this host's hpc-obs setup (settings, token, service, clock, spool, scheduler hooks, libslurm, collector sources); changes nothing.",
        discussion: "Run as root on a node or the server's host to see everything. Exit status 0 when nothing is a problem, 1 otherwise."
    )

    @OptionGroup var service: ServiceOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var findings: [DoctorFinding] = []

        let settingsPath = environment[SettingsFile.pathVariable] ?? SettingsFile.defaultPath
        let settingsFile = HostChecks.settingsFile(path: settingsPath, namedByEnvironment: environment[SettingsFile.pathVariable] != nil)
        findings.append(settingsFile.finding)
        func value(_ key: String) -> String? {
            (environment[key] ?? settingsFile.values[key]).flatMap { $0.isEmpty ? nil : $0 }
        }

        var clientSettings: ClientSettings?
        do {
            clientSettings = try ClientSettings.resolve(file: settingsFile.values, environment: environment, urlOverride: service.url)
        } catch {
            findings.append(DoctorFinding(.problem, "service", error.description))
        }
        findings.append(HostChecks.tokenFile(value("HPC_OBS_TOKEN_FILE")))
        // Each address on its own: a replica that is down is a finding even when another answers.
        for url in clientSettings?.urls ?? [] {
            findings += await serviceFindings(ClientSettings(url: url, tokenFile: clientSettings?.tokenFile, caFile: clientSettings?.caFile))
        }

        findings += HostChecks.spool(value("HPC_OBS_SPOOL_DIR") ?? EventSpool.defaultDirectory)
        let slurmConf = SlurmController.configPath(environment: environment)
        findings.append(HostChecks.schedulerHooks(slurmConf: slurmConf, pbsHome: environment["PBS_HOME"] ?? "/var/spool/pbs"))
        if FileManager.default.isReadableFile(atPath: slurmConf) {
            findings.append(HostChecks.slurmVersions(library: SlurmController.libraryVersion(), controller: controllerVersion(slurmConf: slurmConf)))
        }
        findings.append(HostChecks.collectorSources(gpus: GPUDevices.available ? GPUDevices.read().count : nil))

        Output.print(DoctorReport.render(findings, colour: Output.style.colour))
        if findings.contains(where: { $0.level == .problem }) { throw ExitCode(1) }
    }

    private func serviceFindings(_ settings: ClientSettings) async -> [DoctorFinding] {
        let timeout = Duration.milliseconds(Int64(service.timeout * 1_000))
        let gathered: (Result<ServiceAnswer, ServiceProblem>, Bool?, Bool)? = try? await ObservabilityService.with(settings, timeout: timeout) {
            client in
            do {
                let health = try await client.health()
                let answer = ServiceAnswer(
                    version: health.version,
                    storeReachable: health.store == .reachable,
                    detail: health.detail,
                    serverDate: client.lastServerDate
                )
                let accepted = try? await client.writeTokenAccepted()
                return (.success(answer), accepted, client.sendsToken)
            } catch {
                return (.failure(ServiceProblem(reason: "\(error)")), nil, client.sendsToken)
            }
        }
        guard let gathered else { return [] }
        return HostChecks.service(url: settings.url, answer: gathered.0, now: Date(), tokenAccepted: gathered.1, hasToken: gathered.2)
    }

    /// slurmctld's version, asked in a child process: libslurm ends the process that
    /// initialises it with a slurm.conf it cannot use, and the doctor must finish its report.
    private func controllerVersion(slurmConf: String) -> Result<String, SlurmVersionError> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = [SlurmVersionsCommand.configuration.commandName!, "--config", slurmConf]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return .failure(SlurmVersionError(reason: "cannot start a child process: \(error)"))
        }
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning {
            process.terminate()
            return .failure(SlurmVersionError(reason: "no answer within 20 s"))
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().prefix(400), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !text.isEmpty else {
            return .failure(SlurmVersionError(reason: problem.isEmpty ? "libslurm ended with status \(process.terminationStatus)" : problem))
        }
        return .success(String(text.prefix(40)))
    }
}

/// The doctor's child: prints slurmctld's version, or says on stderr why it cannot.
struct SlurmVersionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "slurm-controller-version", shouldDisplay: false)

    @Option var config: String

    func run() throws {
        do {
            let controller = try SlurmController(configPath: config)
            Output.print(try controller.controllerVersion() + "\n")
        } catch {
            Output.error(error.message)
            throw ExitCode(1)
        }
    }
}
