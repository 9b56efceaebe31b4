import LocalFiles

/// What `/proc` says of a process that only root could have made it say.
enum ProcessTitle {
    /// `slurmstepd: [123.0]` → `123`, for a process whose real user is root; nil for any
    /// other process, however it names itself.
    static func stepDaemonJobID(pid: Substring, procRoot: String) -> String? {
        func isRoots() -> Bool { realUserID(FileBytes.text("\(procRoot)/\(pid)/status", limit: 64 * 1_024) ?? "") == 0 }
        // Owner checked before and after the title is read: a pid reused in between fails one.
        guard !pid.isEmpty, pid.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), isRoots(),
            let title = FileBytes.text("\(procRoot)/\(pid)/cmdline", limit: 4_096), isRoots()
        else { return nil }
        let prefix = "slurmstepd: ["
        guard title.hasPrefix(prefix) else { return nil }
        let digits = title.dropFirst(prefix.count).prefix { $0 >= "0" && $0 <= "9" }
        guard !digits.isEmpty, digits.utf8.count <= 10 else { return nil }
        return String(digits)
    }

    /// The first field of `Uid:` in `/proc/<pid>/status`.
    static func realUserID(_ status: String) -> UInt32? {
        for line in status.split(separator: "\n") where line.hasPrefix("Uid:") {
            return line.dropFirst(4).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { UInt32($0) }
        }
        return nil
    }
}
