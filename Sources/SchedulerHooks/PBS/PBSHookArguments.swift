public import SchedulerFormats

/// What PBS MoM passes a `prologue` or `epilogue`, by position.
///
/// | Flavor | Prologue arguments | Epilogue arguments |
/// |---|---|---|
/// | OpenPBS, PBS Pro | id, user, group | id, user, group, name, session, `Resource_List`, `resources_used`, queue, account, exit status |
/// | Torque, the OpenPBS hook | id, user, group, name, `Resource_List`, queue, account [, script] [, hosts] | the OpenPBS ten [, script] |
///
/// OpenPBS passes `null` for an unset account, Torque an empty string. The counts overlap
/// (ten epilogue arguments from either), so Torque is also recognised by the variables only
/// its MoM sets (`PBS_MSHOST`, `PBS_NODENUM`); a flavor named in the settings
/// (`HPC_OBS_PBS_FLAVOR`, which the OpenPBS hook sets) decides over both. The OpenPBS
/// hook passes the long prologue form, which tells the job's name, queue and requests at its
/// start.
public struct PBSHookArguments: Sendable, Hashable {
    public var role: HookRole
    public var flavor: PBSFlavor
    public var jobID: String
    public var user: String
    public var group: String?
    public var jobName: String?
    public var sessionID: String?
    /// `Resource_List`: what the job asked for.
    public var requested: String?
    /// `resources_used`: what it used (epilogue only).
    public var used: String?
    public var queue: String?
    public var account: String?
    public var exitStatus: String?
    /// Torque's `presetup.prologue` host list.
    public var hosts: String?

    /// - Parameters:
    ///   - arguments: the program's arguments without its name.
    ///   - named: the flavor the settings name, if any.
    public init(role: HookRole, arguments: [String], environment: [String: String], flavor named: PBSFlavor? = nil) throws(HookInputError) {
        self.role = role
        let torqueEnvironment = environment["PBS_MSHOST"] != nil || environment["PBS_NODENUM"] != nil
        func optional(_ index: Int) -> String? {
            guard index < arguments.count else { return nil }
            let text = arguments[index]
            return text.isEmpty || text == "null" || text == "(null)" ? nil : text
        }
        switch (role, arguments.count) {
        case (.prolog, 3):
            flavor = named ?? (torqueEnvironment ? .torque : .openPBS)
        case (.prolog, 7...9):
            flavor = named ?? .torque
            jobName = optional(3)
            requested = optional(4)
            queue = optional(5)
            account = optional(6)
            hosts = arguments.count == 9 ? optional(8) : nil
        case (.epilog, 10...11):
            flavor = named ?? (arguments.count == 11 || torqueEnvironment ? .torque : .openPBS)
            jobName = optional(3)
            sessionID = optional(4)
            requested = optional(5)
            used = optional(6)
            queue = optional(7)
            account = optional(8)
            exitStatus = optional(9)
        default:
            let expected = role == .prolog ? "3 (OpenPBS) or 7 to 9 (Torque)" : "10 (OpenPBS, Torque) or 11 (Torque)"
            throw HookInputError(
                variable: "arguments",
                problem: "\(arguments.count) given; a PBS \(role == .prolog ? "prologue" : "epilogue") gets \(expected)"
            )
        }
        jobID = arguments[0]
        guard Self.isJobID(jobID) else {
            throw HookInputError(
                variable: "argument 1 (job id)",
                problem: "'\(jobID.prefix(40))' is not a PBS job id such as 1234.server or 1234[5].server"
            )
        }
        guard let user = optional(1) else {
            throw HookInputError(variable: "argument 2 (user)", problem: "empty")
        }
        self.user = user
        group = optional(2)
    }

    /// `1234`, `1234.server`, `1234[5].server`, `1234[].server`.
    static func isJobID(_ text: String) -> Bool {
        let digits = text.utf8.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard !digits.isEmpty else { return false }
        let rest = text.utf8.dropFirst(digits.count)
        return rest.isEmpty || rest.first == UInt8(ascii: ".") || rest.first == UInt8(ascii: "[")
    }

    /// The PBS server's name, from the job id's suffix (`pbs01` of `1234.pbs01`).
    public var server: String? {
        guard let dot = jobID.firstIndex(of: ".") else { return nil }
        let name = jobID[jobID.index(after: dot)...]
        return name.isEmpty ? nil : String(name)
    }
}
