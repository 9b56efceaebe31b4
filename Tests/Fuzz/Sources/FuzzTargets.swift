import EventTransport
import Foundation
import MetricsExposition
import ObservabilityAPI
import ObservabilityCore
import PBSPolling
import SchedulerFormats

@testable import ObservabilityServer
@testable import SchedulerHooks

/// libFuzzer targets for every parser that takes outside input. One binary, built only by
/// `Tests/Fuzz/run` (with `-sanitize=fuzzer,address`); `HPC_OBS_FUZZ_TARGET` picks the target.
///
/// Each target feeds the input to the code that reads it in production and checks what must
/// hold whatever the input: no trap (the sanitizers and Swift's own checks catch those), and
/// the properties named in its comment. A violated property is a `fatalError`, which libFuzzer
/// reports as a crash with the input that caused it.
enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "rfc3339": rfc3339,
        "slurm-environment": slurmEnvironment,
        "pbs-arguments": pbsArguments,
        "hostlist": hostlist,
        "tres": tres,
        "pbs-resources": pbsResources,
        "spool-file": spoolFile,
        "request-body": requestBody,
        "label-escaping": labelEscaping,
        "qstat-json": qstatJSON,
    ]

    static let now = Date(timeIntervalSince1970: 1_795_939_200)

    /// A time that parses formats back to itself (to half a millisecond, as it is rounded);
    /// validation never traps.
    static func rfc3339(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let date = RFC3339.parse(text) else { return }
        _ = try? JobLimits.validateTime(date, field: "time")
        guard let again = RFC3339.parse(RFC3339.format(date)),
            abs(again.timeIntervalSince1970 - date.timeIntervalSince1970) <= 0.0005 + 1e-9 * abs(date.timeIntervalSince1970)
        else {
            fatalError("'\(text)' does not round-trip through RFC3339.format")
        }
    }

    /// What `qstat -f -F json` printed: whatever it holds, each job it yields maps to an event
    /// that creates a job once the fields the store would refuse are dropped, unless what
    /// identifies it (its id, user or time, which are never dropped) is itself refused; the
    /// poller then skips that job alone.
    static func qstatJSON(_ bytes: [UInt8]) {
        guard let parsed = try? QstatJSON.parse(Data(bytes)) else { return }
        let identity: Set<String> = ["eventId", "jobId", "id", "user", "time"]
        for record in parsed.jobs {
            guard let mapped = PBSJobMapper.event(for: record, cluster: nil, now: now) else { continue }
            let (event, _) = mapped.keepingValidFields()
            let created = Result { () throws(ValidationError) in try LifecycleTranslator.change(applying: event, to: nil) }
            if case .failure(let error) = created, !identity.contains(error.field) {
                fatalError("job \(record.id) from qstat: refused for a field it could have done without: \(error)")
            }
        }
    }

    /// `KEY=VALUE` lines as slurmd or slurmctld would set them: an event, if any, survives the
    /// spool's wire format.
    static func slurmEnvironment(_ bytes: [UInt8]) {
        var environment: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\0" }) {
            let pair = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if pair.count == 2 { environment[String(pair[0])] = String(pair[1]) }
        }
        for role in [HookRole.prolog, .epilog] {
            hookEvent(role: role, arguments: [], environment: environment)
        }
    }

    /// NUL-separated arguments as MoM passes them; the first byte picks the role and flavor.
    static func pbsArguments(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let arguments = String(decoding: bytes.dropFirst(), as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        let role: HookRole = first & 1 == 0 ? .prolog : .epilog
        let environment = first & 2 == 0 ? [:] : ["PBS_MSHOST": "n01", "HPC_OBS_PBS_EXEC_HOST": arguments.last ?? ""]
        hookEvent(role: role, arguments: arguments.isEmpty ? [""] : arguments, environment: environment, flavor: first & 4 == 0 ? nil : .torque)
    }

    private static func hookEvent(role: HookRole, arguments: [String], environment: [String: String], flavor: PBSFlavor? = nil) {
        let settings = HookSettings(destination: .spoolOnly, spoolDirectory: "/nonexistent", timeoutSeconds: 2, cluster: nil, pbsFlavor: flavor)
        guard let made = try? HookRunner.makeEvent(role: role, arguments: arguments, environment: environment, settings: settings) else { return }
        let body = EventWireFormat.encode(made.event)
        guard let decoded = EventWireFormat.decode(body), decoded.id == made.event.id, decoded.jobID == made.event.jobID,
            decoded.kind == made.event.kind
        else {
            fatalError("a hook's event does not survive the wire format: \(String(decoding: body, as: UTF8.self))")
        }
        _ = try? LifecycleTranslator.change(applying: decoded, to: nil)
    }

    /// Expansion stays within its limit and yields names without list syntax.
    static func hostlist(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let names = try? SlurmHostlist.expand(text, limit: 10_000) else { return }
        let syntax: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]")]
        guard names.count <= 10_000, names.allSatisfy({ !$0.utf8.contains(where: syntax.contains) }) else {
            fatalError("'\(text)' expanded to \(names.count) names or to names holding list syntax")
        }
    }

    /// TRES strings, GRES details and exit pairs: counts are never negative.
    static func tres(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let tres = try? SlurmTRES(parsing: text) {
            guard (tres.cpus ?? 0) >= 0, (tres.gpus ?? 0) >= 0, (tres.memoryBytes ?? 0) >= 0 else { fatalError("'\(text)' gave a negative count") }
        }
        guard SlurmGRESDetail.gpuIndices(text).allSatisfy({ (0...SlurmGRESDetail.maxIndex).contains($0) }) else {
            fatalError("'\(text)' gave a GPU index out of range")
        }
        _ = try? SlurmExitStatus(pair: text)
    }

    /// PBS resource lists, sizes, durations, exit statuses and host lists.
    static func pbsResources(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let list = PBSResourceList(parsing: text, field: "resources_used")
        for name in list.values.keys {
            _ = try? list.seconds(name)
            _ = try? list.bytes(name)
            _ = try? list.count(name)
        }
        if let bytes = try? PBSSize.bytes(text, field: "mem"), bytes < 0 { fatalError("'\(text)' is a negative size") }
        if let seconds = try? PBSDuration.seconds(text, field: "walltime"), !(seconds >= 0) { fatalError("'\(text)' is a negative or NaN duration") }
        for flavor in PBSFlavor.allCases { _ = try? PBSExitStatus(parsing: text, flavor: flavor) }
        _ = PBSExecHost.hosts(text)
    }

    /// Whatever a spool file holds, reading it and applying it never traps.
    static func spoolFile(_ bytes: [UInt8]) {
        guard let event = EventWireFormat.decode(bytes) else { return }
        _ = try? event.validate()
        _ = try? LifecycleTranslator.change(applying: event, to: nil)
        _ = event.keepingValidFields()
    }

    /// A body decoded as the generated server decodes it, converted and validated as the
    /// handlers do; whatever is accepted encodes back as a response.
    static func requestBody(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let body = Data(bytes.dropFirst())
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            try RFC3339DateTranscoder().decode(try decoder.singleValueContainer().decode(String.self))
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try RFC3339DateTranscoder().encode(date))
        }
        switch first % 5 {
        case 0:
            guard let create = try? decoder.decode(Components.Schemas.JobCreate.self, from: body),
                let job = try? Job(creating: create, now: now), (try? job.validate()) != nil
            else { return }
            respond(Components.Schemas.Job(job, now: now), encoder)
        case 1:
            guard let update = try? decoder.decode(Components.Schemas.JobUpdate.self, from: body), let change = try? JobUpdate(update) else { return }
            let job = Job(id: "1", user: "u", state: .running, submitTime: now, startTime: now)
            if let updated = try? job.applying(change, now: now) { respond(Components.Schemas.Job(updated, now: now), encoder) }
        case 2:
            guard let input = try? decoder.decode(Components.Schemas.MetricSampleInput.self, from: body),
                let sample = try? MetricSample(jobID: "1", input: input, now: now), (try? sample.validate(allocatedCPUs: nil)) != nil
            else { return }
            respond(Components.Schemas.MetricSample(sample), encoder)
        case 3:
            guard let wire = try? decoder.decode(Components.Schemas.LifecycleEvent.self, from: body), let event = try? LifecycleEvent(wire),
                let change = try? LifecycleTranslator.change(applying: event, to: nil)
            else { return }
            respond(Components.Schemas.Job(change.job, now: now), encoder)
        default:
            guard let usage = try? decoder.decode(Components.Schemas.UsageTotals.self, from: body),
                let bytes = try? MemorySize.bytes(fromMiB: usage.peakMemoryMb, field: "peakMemoryMb")
            else { return }
            let totals = JobUsageTotals(jobID: "1", node: usage.node, cpuSeconds: usage.cpuSeconds, peakMemoryBytes: bytes)
            guard (try? totals.validate()) != nil else { return }
            let job = Job(
                id: "1",
                user: "u",
                state: .completed,
                attributes: JobAttributes(
                    requestedCPUs: 1,
                    requestedMemoryBytes: 1
                ),
                submitTime: now,
                startTime: now,
                endTime: now + 1
            )
            let summary = JobSummary(job: job, usage: JobUsage(nodes: [totals, totals, totals]), now: now)
            respond(Components.Schemas.Job(job, now: now, summary: summary), encoder)
        }
    }

    private static func respond(_ value: some Encodable, _ encoder: JSONEncoder) {
        do {
            _ = try encoder.encode(value)
        } catch {
            fatalError("an accepted value cannot be sent back: \(error)")
        }
    }

    /// A label value comes back from its escaped form unchanged, and never breaks the line or
    /// the quotes around it. Checked on bytes: a combining mark after a quote would make a
    /// different grapheme of it, and String comparison would see no quote at all.
    static func labelEscaping(_ bytes: [UInt8]) {
        let value = String(decoding: bytes, as: UTF8.self)
        let block = MetricsWriter.labelBlock([(name: "job_id", value: value)])
        let prefix = Array(#"{job_id=""#.utf8)
        let suffix = Array(#""}"#.utf8)
        guard block.starts(with: prefix), block.suffix(2).elementsEqual(suffix), !block.contains(UInt8(ascii: "\n")) else {
            fatalError("label block breaks its line: \(block)")
        }
        var unescaped: [UInt8] = []
        var escaping = false
        for byte in block.dropFirst(prefix.count).dropLast(suffix.count) {
            if escaping {
                switch byte {
                case UInt8(ascii: "n"): unescaped.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "\\"), UInt8(ascii: "\""): unescaped.append(byte)
                default: fatalError("unknown escape \\\(byte) in \(block)")
                }
                escaping = false
            } else if byte == UInt8(ascii: "\\") {
                escaping = true
            } else if byte == UInt8(ascii: "\"") {
                fatalError("an unescaped quote inside the value: \(block)")
            } else {
                unescaped.append(byte)
            }
        }
        guard !escaping, unescaped.elementsEqual(value.utf8) else { fatalError("'\(value)' does not come back from \(block)") }
    }
}
