import Foundation
import JobReports

/// One thing `hpc-obs doctor` looked at, how it stands, and the one line that fixes it.
public struct DoctorFinding: Sendable, Hashable {
    public enum Level: String, Sendable, Hashable, Comparable {
        case ok
        case warning
        case problem

        public static func < (lhs: Level, rhs: Level) -> Bool {
            let order: [Level] = [.ok, .warning, .problem]
            return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
        }
    }

    public var level: Level
    /// What was checked: `settings file`, `spool`.
    public var subject: String
    /// What was found, with the path or value it is about.
    public var detail: String
    /// What to do, for a warning or a problem.
    public var fix: String?

    public init(_ level: Level, _ subject: String, _ detail: String, fix: String? = nil) {
        self.level = level
        self.subject = subject
        self.detail = detail
        self.fix = fix
    }
}

/// The findings as the terminal shows them: a column of levels, the subject, the detail, and
/// the fix indented below.
public enum DoctorReport {
    public static func render(_ findings: [DoctorFinding], colour: Bool) -> String {
        let subjectWidth = findings.map(\.subject.count).max() ?? 0
        var lines: [String] = []
        for finding in findings {
            var level = finding.level.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            if colour {
                let code = finding.level == .ok ? 32 : finding.level == .warning ? 33 : 31
                level = "\u{1B}[\(code)m\(level)\u{1B}[0m"
            }
            let subject = finding.subject.padding(toLength: subjectWidth, withPad: " ", startingAt: 0)
            lines.append("\(level) \(subject)  \(Printable.text(finding.detail))")
            if let fix = finding.fix, finding.level != .ok {
                lines.append(String(repeating: " ", count: 9 + subjectWidth + 2) + "fix: " + Printable.text(fix))
            }
        }
        let problems = findings.filter { $0.level == .problem }.count
        let warnings = findings.filter { $0.level == .warning }.count
        lines.append("")
        lines.append(
            problems == 0 && warnings == 0
                ? "Nothing to fix."
                : "\(problems) problem\(problems == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")."
        )
        return lines.joined(separator: "\n") + "\n"
    }
}
