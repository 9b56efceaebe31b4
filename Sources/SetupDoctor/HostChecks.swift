public import Foundation
import LocalFiles
import NodeCollector
import SchedulerHooks

#if canImport(Glibc)
import Glibc
#endif

/// The checks `hpc-obs doctor` makes of this host. Each reads, never writes, and says in one
/// line how to fix what it finds: the most common trouble with tools of this kind is a setup
/// that yields empty results and no error.
public enum HostChecks {
    /// The settings file and its values: absent is a warning (the environment may hold
    /// everything), unparsable lines are problems.
    public static func settingsFile(path: String, namedByEnvironment: Bool) -> (finding: DoctorFinding, values: [String: String]) {
        let subject = "settings file"
        guard let facts = FileFacts.of(path) else {
            let missing = errno == ENOENT
            return (
                DoctorFinding(
                    namedByEnvironment || !missing ? .problem : .warning,
                    subject,
                    missing ? "\(path) does not exist" : "\(path) cannot be examined by this user",
                    fix: missing
                        ? "install the hpc-obs package, or copy /usr/share/doc/hpc-obs/examples/hpc-obs.conf to \(path)"
                        : "run hpc-obs doctor as root, or make \(path) readable to this user"
                ), [:]
            )
        }
        guard facts.kind == .regular || facts.kind == .symlink else {
            return (DoctorFinding(.problem, subject, "\(path) is not a regular file", fix: "replace \(path) with a file of KEY=VALUE lines"), [:])
        }
        guard let bytes = FileBytes.read(path, limit: 1 << 20) else {
            return (
                DoctorFinding(
                    .warning,
                    subject,
                    "\(path) cannot be read by this user (mode \(FileFacts.octal(facts.mode)))",
                    fix: "run hpc-obs doctor as root to check it; users need HPC_OBS_URL in their environment"
                ), [:]
            )
        }
        let parsed = SettingsFileParser.parse(String(decoding: bytes, as: UTF8.self))
        if let first = parsed.problems.first {
            let more = parsed.problems.count > 1 ? " (and \(parsed.problems.count - 1) more lines)" : ""
            return (
                DoctorFinding(.problem, subject, "\(path) \(first)\(more)", fix: "write each setting as KEY=VALUE, or start the line with #"),
                parsed.values
            )
        }
        return (DoctorFinding(.ok, subject, "\(path): \(parsed.values.count) settings"), parsed.values)
    }

    /// The token file: present, a regular file, not readable by everyone, and not empty.
    public static func tokenFile(_ path: String?) -> DoctorFinding {
        let subject = "token file"
        guard let path else {
            return DoctorFinding(
                .warning,
                subject,
                "HPC_OBS_TOKEN_FILE is not set: the service refuses writes (and reads, where it requires a token)",
                fix: "put the service's API token in a file of mode 0640 and set HPC_OBS_TOKEN_FILE to it"
            )
        }
        guard let facts = FileFacts.of(path) else {
            let missing = errno == ENOENT
            return DoctorFinding(
                .problem,
                subject,
                missing ? "\(path) does not exist" : "\(path) cannot be examined by this user",
                fix: missing ? "create \(path) holding the service's API token, mode 0640" : "run hpc-obs doctor as root"
            )
        }
        guard facts.kind == .regular else {
            return DoctorFinding(.problem, subject, "\(path) is not a regular file", fix: "make \(path) a plain file holding the token")
        }
        if facts.mode & 0o004 != 0 || facts.mode & 0o002 != 0 {
            return DoctorFinding(
                .problem,
                subject,
                "\(path) is mode \(FileFacts.octal(facts.mode)): every user can read (or change) the token",
                fix: "chmod 0640 \(path)"
            )
        }
        guard access(path, R_OK) == 0 else {
            return DoctorFinding(
                .warning,
                subject,
                "\(path) (mode \(FileFacts.octal(facts.mode))) cannot be read by this user",
                fix: "run hpc-obs doctor as root to check the token itself"
            )
        }
        guard FileBytes.token(at: path) != nil else {
            return DoctorFinding(.problem, subject, "\(path) holds no token", fix: "write the service's API token on the first line of \(path)")
        }
        return DoctorFinding(.ok, subject, "\(path), mode \(FileFacts.octal(facts.mode)), owner \(FileFacts.userName(facts.owner))")
    }

    /// The hooks' spool: a real directory of root's, closed to others, and what waits in it.
    public static func spool(_ path: String) -> [DoctorFinding] {
        let subject = "spool"
        let create = "install -d -o root -g hpc-obs -m 2770 \(path)"
        guard let facts = FileFacts.of(path) else {
            return [
                DoctorFinding(
                    errno == ENOENT ? .warning : .problem,
                    subject,
                    errno == ENOENT
                        ? "\(path) does not exist; the first hook that cannot deliver creates it" : "\(path) cannot be examined by this user",
                    fix: errno == ENOENT ? create : "run hpc-obs doctor as root"
                )
            ]
        }
        guard facts.kind == .directory else {
            return [
                DoctorFinding(
                    .problem,
                    subject,
                    "\(path) is not a directory (a link or a file): hooks will not spool there",
                    fix: "remove it, then \(create)"
                )
            ]
        }
        if facts.owner != 0 {
            return [
                DoctorFinding(
                    .problem,
                    subject,
                    "\(path) belongs to \(FileFacts.userName(facts.owner)), not root: that user can steer what the root hooks send",
                    fix: "chown root \(path)"
                )
            ]
        }
        if facts.mode & 0o007 != 0 {
            return [
                DoctorFinding(
                    .problem,
                    subject,
                    "\(path) is mode \(FileFacts.octal(facts.mode)): every user can reach the spooled events",
                    fix: "chmod 2770 \(path)"
                )
            ]
        }
        var findings: [DoctorFinding] = []
        let entries = Directory.entries(path)
        let waiting = entries.filter { $0.hasSuffix(".json") }.count
        let rejected = Directory.entries("\(path)/rejected").filter { $0.hasSuffix(".json") }.count
        if access(path, R_OK | X_OK) != 0 {
            findings.append(
                DoctorFinding(
                    .ok,
                    subject,
                    "\(path), mode \(FileFacts.octal(facts.mode)), \(FileFacts.userName(facts.owner)):\(FileFacts.groupName(facts.group)); its events cannot be counted by this user"
                )
            )
        } else if waiting > 0 {
            findings.append(
                DoctorFinding(
                    .warning,
                    subject,
                    "\(waiting) event\(waiting == 1 ? "" : "s") wait in \(path): the service was unreachable when they were made",
                    fix: "they go out with the next hook or at the server's start; if they stay, check the service URL and token"
                )
            )
        } else {
            findings.append(
                DoctorFinding(
                    .ok,
                    subject,
                    "\(path), mode \(FileFacts.octal(facts.mode)), \(FileFacts.userName(facts.owner)):\(FileFacts.groupName(facts.group)), nothing waiting"
                )
            )
        }
        if rejected > 0 {
            findings.append(
                DoctorFinding(
                    .warning,
                    "rejected events",
                    "\(rejected) event\(rejected == 1 ? "" : "s") in \(path)/rejected were refused by the service for good",
                    fix: "read them (and the hooks' syslog lines) to see why, then delete them"
                )
            )
        }
        return findings
    }

    /// Whether the scheduler on this host runs our hooks: Slurm's `Prolog`/`Epilog` (or the
    /// slurmctld variants), else PBS MoM's `mom_priv/prologue` and `epilogue`.
    public static func schedulerHooks(slurmConf: String, pbsHome: String) -> DoctorFinding {
        let subject = "scheduler hooks"
        if let text = FileBytes.text(slurmConf) {
            let settings = SlurmConfLines.values(text)
            var ours: [String] = []
            var others: [String] = []
            for key in ["Prolog", "Epilog", "PrologSlurmctld", "EpilogSlurmctld"] {
                guard let value = settings[key.lowercased()] else { continue }
                let runsOurs = value.split(separator: ",").contains { mentionsHPCObs(path: String($0)) }
                if runsOurs { ours.append(key) } else { others.append("\(key)=\(value)") }
            }
            let hasProlog = ours.contains { $0.hasPrefix("Prolog") }
            let hasEpilog = ours.contains { $0.hasPrefix("Epilog") }
            if hasProlog && hasEpilog {
                return DoctorFinding(.ok, subject, "\(slurmConf) runs hpc-obs from \(ours.joined(separator: ", "))")
            }
            let found = others.isEmpty ? "no Prolog or Epilog" : others.joined(separator: ", ")
            return DoctorFinding(
                .warning,
                subject,
                "\(slurmConf) has \(found)\(ours.isEmpty ? "" : " besides \(ours.joined(separator: ", "))"): job events come only from the server's poller, late and without the hooks' node details",
                fix:
                    "set Prolog=/usr/libexec/hpc-obs/hpc-obs-prolog and Epilog=/usr/libexec/hpc-obs/hpc-obs-epilog (or run-hook-dir), then scontrol reconfigure"
            )
        }
        let momPriv = "\(pbsHome)/mom_priv"
        if Directory.exists(momPriv) {
            let missing = ["prologue", "epilogue"].filter { !mentionsHPCObs(path: "\(momPriv)/\($0)") }
            if missing.isEmpty { return DoctorFinding(.ok, subject, "\(momPriv)/prologue and epilogue run hpc-obs") }
            return DoctorFinding(
                .warning,
                subject,
                "\(missing.map { "\(momPriv)/\($0)" }.joined(separator: " and ")) do not run hpc-obs",
                fix: "install -o root -g root -m 0755 /usr/libexec/hpc-obs/pbs/\(missing[0]) \(momPriv)/\(missing[0])"
            )
        }
        return DoctorFinding(
            .warning,
            subject,
            "neither \(slurmConf) nor \(momPriv) is here: fine on the server's host, not on a compute node",
            fix: "on a compute node, set SLURM_CONF (or PBS_HOME) to where the scheduler's configuration is"
        )
    }

    /// A hook setting names one of ours when its path does, or when the script it names
    /// (a site's wrapper, `run-hook-dir`) mentions hpc-obs.
    static func mentionsHPCObs(path: String) -> Bool {
        let trimmed = path.trimmingCharacters(in: .whitespaces)
        if trimmed.contains("hpc-obs") { return true }
        guard let text = FileBytes.text(trimmed, limit: 256 * 1_024) else { return false }
        return text.contains("hpc-obs")
    }

    /// libslurm here against slurmctld: the poller and the node agent read slurmctld's
    /// answers with this library, and Slurm speaks to two releases back only.
    public static func slurmVersions(library: String, controller: Result<String, SlurmVersionError>) -> DoctorFinding {
        let subject = "Slurm versions"
        switch controller {
        case .failure(let error):
            return DoctorFinding(
                .warning,
                subject,
                "libslurm \(library); slurmctld did not answer (\(error.reason))",
                fix: "check that slurmctld runs and that munge works here: scontrol ping"
            )
        case .success(let version):
            let release = { (text: String) in text.split(separator: ".").prefix(2).joined(separator: ".") }
            if release(version) == release(library) {
                return DoctorFinding(.ok, subject, "libslurm \(library), slurmctld \(version)")
            }
            return DoctorFinding(
                .problem,
                subject,
                "libslurm \(library) but slurmctld \(version): the poller reads slurmctld's answers with this library",
                fix: "install the libslurm of slurmctld's release on this host, then rebuild or reinstall hpc-obs against it"
            )
        }
    }

    /// Where the node agent can read jobs' use from on this host, and whether it sees GPUs.
    public static func collectorSources(cgroupRoot: String = "/sys/fs/cgroup", procRoot: String = "/proc", gpus: Int?) -> DoctorFinding {
        let source = JobUsageSources.detect(cgroupRoot: cgroupRoot, procRoot: procRoot, processes: { [:] })
        let sourceText =
            switch source.name {
            case "cgroup-v2": "cgroup v2"
            case "cgroup-v1": "cgroup v1"
            default: "jobs' processes (no cgroup hierarchy found: memory peaks are sampled, not exact)"
            }
        let gpuText =
            gpus.map { $0 == 0 ? "NVML loaded, no GPUs" : "NVML sees \($0) GPU\($0 == 1 ? "" : "s")" } ?? "no NVML (no NVIDIA driver): no GPU figures"
        return DoctorFinding(.ok, "collector sources", "\(sourceText); \(gpuText)")
    }

    /// The service: answering, its store reachable, its clock within a few seconds of this
    /// host's, and the token accepted.
    public static func service(
        url: String,
        answer: Result<ServiceAnswer, ServiceProblem>,
        now: Date,
        tokenAccepted: Bool?,
        hasToken: Bool
    ) -> [DoctorFinding] {
        switch answer {
        case .failure(let problem):
            return [
                DoctorFinding(
                    .problem,
                    "service",
                    "\(url): \(problem.reason)",
                    fix: "check HPC_OBS_URL, that hpc-obs-server runs there, and any firewall between"
                )
            ]
        case .success(let answer):
            var findings: [DoctorFinding] = []
            if answer.storeReachable {
                findings.append(DoctorFinding(.ok, "service", "\(url): hpc-obs-server \(answer.version), store reachable"))
            } else {
                findings.append(
                    DoctorFinding(
                        .problem,
                        "service",
                        "\(url) answers, but its store does not\(answer.detail.map { " (\($0))" } ?? "")",
                        fix: "check DATABASE_URL on the server's host and that the database runs"
                    )
                )
            }
            if let serverDate = answer.serverDate {
                let offset = serverDate.timeIntervalSince(now)
                // The Date header has whole seconds: a second of slack on top of the allowance.
                if abs(offset) > 5 {
                    findings.append(
                        DoctorFinding(
                            .warning,
                            "clock",
                            "this host's clock is \(Int(abs(offset).rounded())) s \(offset > 0 ? "behind" : "ahead of") the service's",
                            fix: "run an NTP client (chrony, systemd-timesyncd) on both hosts: job times come from this clock"
                        )
                    )
                } else {
                    findings.append(DoctorFinding(.ok, "clock", "within \(Int(abs(offset).rounded(.up))) s of the service's"))
                }
            }
            switch (tokenAccepted, hasToken) {
            case (true?, true): findings.append(DoctorFinding(.ok, "token", "the service accepts this host's token"))
            case (true?, false): findings.append(DoctorFinding(.ok, "token", "the service takes writes without a token (API_TOKEN is not set there)"))
            case (false?, true):
                findings.append(
                    DoctorFinding(
                        .problem,
                        "token",
                        "the service refuses this host's token",
                        fix: "copy the server's API_TOKEN into HPC_OBS_TOKEN_FILE"
                    )
                )
            case (false?, false):
                findings.append(
                    DoctorFinding(
                        .problem,
                        "token",
                        "the service needs a token and this host has none",
                        fix: "set HPC_OBS_TOKEN_FILE to a file holding the server's API_TOKEN"
                    )
                )
            case (nil, _): break
            }
            return findings
        }
    }
}

/// What the service's health answer said, for `HostChecks.service`.
public struct ServiceAnswer: Sendable {
    public var version: String
    public var storeReachable: Bool
    public var detail: String?
    /// Its `Date` header.
    public var serverDate: Date?

    public init(version: String, storeReachable: Bool, detail: String?, serverDate: Date?) {
        self.version = version
        self.storeReachable = storeReachable
        self.detail = detail
        self.serverDate = serverDate
    }
}

public struct ServiceProblem: Error, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

public struct SlurmVersionError: Error, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// `Key=Value` settings of slurm.conf, keys lowercased (Slurm ignores their case); comments
/// and `Include` lines are skipped.
enum SlurmConfLines {
    static func values(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for word in line.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                guard let equals = word.firstIndex(of: "=") else { continue }
                let key = word[..<equals].lowercased()
                let value = word[word.index(after: equals)...]
                if !key.isEmpty, !value.isEmpty { values[key] = String(value) }
            }
        }
        return values
    }
}
