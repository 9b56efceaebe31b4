import ObservabilityCore
public import SchedulerFormats

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One job as `qstat -f -F json` prints it (OpenPBS, PBS Professional), reduced to what the
/// service records.
public struct QstatJobRecord: Sendable, Hashable {
    /// `15.vm`, `20[1].vm`, `20[].vm`: the id the hooks see, whole.
    public var id: String
    public var name: String?
    /// `euser`, else the part of `Job_Owner` before the `@`.
    public var user: String
    /// `job_state`: one of `QHWTRESUBXFM`.
    public var state: String
    /// `substate`: for a finished job, 91 says it was deleted (`qdel`), 92 that it finished
    /// and 93 that it failed (OpenPBS's `JOB_SUBSTATE_TERMINATED`, `_FINISHED`, `_FAILED`).
    public var substate: Int?
    public var exitStatus: Int?
    public var queue: String?
    public var account: String?
    /// `ctime`: when it was submitted.
    public var submitTime: Date?
    /// `stime`: when its current run started.
    public var startTime: Date?
    /// `obittime`, else `mtime`: when it ended.
    public var endTime: Date?
    public var requested: PBSResourceList
    public var used: PBSResourceList
    /// From `exec_host`, else `exec_host2`, else `exec_vnode`.
    public var hosts: [String]
    /// `run_count`: 2 after one rerun.
    public var runCount: Int
    /// `array = True`: the parent `20[].vm` of an array, whose subjobs are the jobs that run.
    public var isArrayParent: Bool

    /// The PBS server's name from the id (`vm` of `15.vm`), nil without one.
    public var server: String? {
        guard let dot = id.firstIndex(of: ".") else { return nil }
        let name = id[id.index(after: dot)...]
        return name.isEmpty ? nil : String(name)
    }
}

/// Reads `qstat -f[t]x -F json`.
///
/// Times are read as qstat prints them, `Tue Dec  1 23:42:26 2026`, in UTC: the poller runs
/// qstat with `TZ=UTC`, because the text carries no zone. A job whose record cannot be read
/// (no user, an id past the store's limits) is named in ``Parsed/skipped`` and left out; the
/// others are read.
public enum QstatJSON {
    public struct Parsed: Sendable {
        /// `pbs_server`: the server that answered.
        public var server: String?
        public var jobs: [QstatJobRecord]
        /// The ids of records left out, with why.
        public var skipped: [(id: String, reason: String)]
    }

    public static func parse(_ data: Data) throws(SchedulerFormatError) -> Parsed {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw SchedulerFormatError(
                field: "qstat -F json",
                value: String(decoding: data.prefix(60), as: UTF8.self),
                reason: "not qstat's JSON: \(error)"
            )
        }
        var parsed = Parsed(server: document.server.flatMap { $0.isEmpty ? nil : String($0.prefix(128)) }, jobs: [], skipped: [])
        // Sorted, so that the events of one snapshot are made in the same order every time.
        for (id, attributes) in (document.jobs ?? [:]).sorted(by: { $0.key < $1.key }) {
            switch record(id: id, attributes) {
            case .success(let job): parsed.jobs.append(job)
            case .failure(let error): parsed.skipped.append((String(id.prefix(128)), error.description))
            }
        }
        return parsed
    }

    private static func record(id: String, _ attributes: [String: Value]) -> Result<QstatJobRecord, SchedulerFormatError> {
        func text(_ name: String) -> String? {
            attributes[name]?.text.flatMap { $0.isEmpty ? nil : $0 }
        }
        func number(_ name: String) -> Int? {
            text(name).flatMap { Int($0) }
        }
        guard (try? JobLimits.validateJobID(id)) != nil else {
            return .failure(SchedulerFormatError(field: "job id", value: String(id.prefix(40)), reason: "not an id the service keeps"))
        }
        guard let user = text("euser") ?? text("Job_Owner").map({ String($0.prefix { $0 != "@" }) }), !user.isEmpty else {
            return .failure(SchedulerFormatError(field: "\(id).Job_Owner", value: "", reason: "the job has no owner"))
        }
        guard let state = text("job_state") else {
            return .failure(SchedulerFormatError(field: "\(id).job_state", value: "", reason: "the job has no state"))
        }
        let hosts = ["exec_host", "exec_host2", "exec_vnode"].lazy.compactMap { text($0).map(PBSExecHost.hosts) }.first { !$0.isEmpty }
        return .success(
            QstatJobRecord(
                id: id,
                name: text("Job_Name"),
                user: user,
                state: state,
                substate: number("substate"),
                exitStatus: number("Exit_status"),
                queue: text("queue"),
                account: text("Account_Name"),
                submitTime: attributes["ctime"].flatMap(time),
                startTime: attributes["stime"].flatMap(time),
                endTime: (attributes["obittime"] ?? attributes["mtime"]).flatMap(time),
                requested: PBSResourceList(values: attributes["Resource_List"]?.fields ?? [:], field: "Resource_List"),
                used: PBSResourceList(values: attributes["resources_used"]?.fields ?? [:], field: "resources_used"),
                hosts: hosts ?? [],
                runCount: number("run_count") ?? 0,
                isArrayParent: text("array")?.lowercased() == "true"
            )
        )
    }

    /// `Tue Dec  1 23:42:26 2026` (ctime(3)'s form, in UTC), or seconds since 1970.
    static func time(_ value: Value) -> Date? {
        if case .number(let seconds) = value { return seconds > 0 && seconds < 7.3e9 ? Date(timeIntervalSince1970: seconds) : nil }
        guard let text = value.text else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count == 5, let month = months.firstIndex(of: String(parts[1])), let day = Int(parts[2]), (1...31).contains(day),
            parts[3].utf8.count == 8, parts[4].utf8.count == 4, parts[4].allSatisfy(\.isNumber)
        else { return nil }
        let stamp = "\(parts[4])-\(month < 9 ? "0" : "")\(month + 1)-\(day < 10 ? "0" : "")\(day)T\(parts[3])Z"
        return RFC3339.parse(stamp)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private struct Document: Decodable {
        /// Absent when no job is left to show.
        var jobs: [String: [String: Value]]?
        var server: String?

        enum CodingKeys: String, CodingKey {
            case jobs = "Jobs"
            case server = "pbs_server"
        }
    }

    /// A JSON value as qstat prints them: strings, numbers, `True`-like flags, and objects of
    /// resources (`Resource_List`, `resources_used`, `Variable_List`).
    enum Value: Decodable, Sendable {
        case text(String)
        case number(Double)
        case flag(Bool)
        case object([String: Value])
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let flag = try? container.decode(Bool.self) {
                self = .flag(flag)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let object = try? container.decode([String: Value].self) {
                self = .object(object)
            } else {
                self = .other
            }
        }

        /// The value as PBS would print it: whole numbers without a fraction.
        var text: String? {
            switch self {
            case .text(let text): text
            case .number(let number) where number == number.rounded() && abs(number) < 9e15: String(Int64(number))
            case .number(let number): String(number)
            case .flag(let flag): flag ? "True" : "False"
            case .object, .other: nil
            }
        }

        var fields: [String: String] {
            guard case .object(let object) = self else { return [:] }
            return object.compactMapValues(\.text)
        }
    }
}
