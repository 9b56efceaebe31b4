// Process and FileHandle: not in FoundationEssentials.
public import Foundation
import SchedulerFormats

#if canImport(Glibc)
import Glibc
#endif

/// Where the poller reads jobs from: `qstat`, or recorded snapshots in tests.
public protocol QstatSource: Sendable {
    /// What `qstat -f -t -x -F json` printed.
    func snapshot() async throws -> Data
    /// Where the jobs come from, for the log.
    var description: String { get }
}

/// Why a qstat run gave no snapshot.
public struct QstatError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Runs PBS's own `qstat`, found as PBS's tools find each other: `PBS_EXEC` in the file
/// `PBS_CONF_FILE` names (`/etc/pbs.conf` by default), else `qstat` on `PATH`.
///
/// Its output goes to an unlinked file of the server's own, not a pipe, so that a qstat that
/// hangs or floods cannot block the poller: the run is bounded in time (SIGTERM, then SIGKILL
/// a second later) and in size. It runs with `TZ=UTC`, since the times it prints carry no zone.
public struct QstatCommand: QstatSource {
    public let executable: String
    public let timeout: Duration
    public let maxOutputBytes: Int

    public init(executable: String, timeout: Duration = .seconds(60), maxOutputBytes: Int = 512 << 20) {
        self.executable = executable
        self.timeout = timeout
        self.maxOutputBytes = maxOutputBytes
    }

    public var description: String { executable }

    public static let defaultConfigFile = "/etc/pbs.conf"

    /// `qstat`'s path, or nil where PBS's client tools are not installed.
    public static func find(
        environment: [String: String],
        fileExists: (String) -> Bool = { FileManager.default.isExecutableFile(atPath: $0) }
    ) -> String? {
        let configFile = environment["PBS_CONF_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultConfigFile
        if let exec = pbsExec(configFile: configFile) {
            let path = exec + "/bin/qstat"
            if fileExists(path) { return path }
        }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") where directory.hasPrefix("/") {
            let path = "\(directory)/qstat"
            if fileExists(path) { return path }
        }
        return nil
    }

    /// `PBS_EXEC=/opt/pbs` from pbs.conf: a file of `NAME=VALUE` lines, read up to 64 KiB.
    static func pbsExec(configFile: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: configFile), let data = try? handle.read(upToCount: 64 << 10) else { return nil }
        try? handle.close()
        return pbsExec(configText: String(decoding: data, as: UTF8.self))
    }

    static func pbsExec(configText: String) -> String? {
        for line in configText.split(whereSeparator: \.isNewline) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("PBS_EXEC=") else { continue }
            let value = trimmed.dropFirst("PBS_EXEC=".count).trimmingCharacters(in: .whitespaces)
            return value.hasPrefix("/") ? value : nil
        }
        return nil
    }

    public func snapshot() async throws -> Data {
        let output = try OutputFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-f", "-t", "-x", "-F", "json"]
        process.environment = Self.environment(ProcessInfo.processInfo.environment)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output.handle
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw QstatError(description: "cannot run \(executable): \(error)")
        }
        let started = ContinuousClock.now
        var killedFor: String?
        while process.isRunning {
            if Task.isCancelled {
                killedFor = "the server is stopping"
            } else if ContinuousClock.now - started > timeout {
                killedFor = "no answer within \(timeout)"
            } else if output.size > maxOutputBytes {
                killedFor = "more than \(maxOutputBytes) bytes of output"
            }
            if let killedFor {
                process.terminate()
                try? await Task.sleep(for: .seconds(1))
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                throw QstatError(description: "\(executable) stopped: \(killedFor)")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw QstatError(description: "\(executable) ended with status \(process.terminationStatus)")
        }
        guard output.size <= maxOutputBytes else {
            throw QstatError(description: "\(executable) printed more than \(maxOutputBytes) bytes")
        }
        return try output.contents()
    }

    /// What qstat needs of the server's environment, and no more: the server's own secrets
    /// (`API_TOKEN`, a password in `DATABASE_URL`) are not passed on. `TZ=UTC`, because the
    /// times qstat prints carry no zone.
    static func environment(_ server: [String: String]) -> [String: String] {
        var environment = server.filter { name, _ in ["PATH", "HOME", "LANG", "LC_ALL"].contains(name) || name.hasPrefix("PBS_") }
        environment["TZ"] = "UTC"
        return environment
    }

    /// A file no one else can open: created private in the temporary directory and unlinked at
    /// once, so neither a neighbour's symlink nor a crash leaves anything behind.
    private final class OutputFile {
        let handle: FileHandle

        init() throws {
            let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp"
            var template = Array("\(directory)/hpc-obs-qstat.XXXXXX".utf8CString)
            let descriptor = mkstemp(&template)
            guard descriptor >= 0 else { throw QstatError(description: "cannot create a file for qstat's output in \(directory)") }
            unlink(template)
            handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        }

        var size: Int {
            var status = stat()
            return fstat(handle.fileDescriptor, &status) == 0 ? Int(status.st_size) : 0
        }

        func contents() throws -> Data {
            try handle.seek(toOffset: 0)
            return try handle.readToEnd() ?? Data()
        }
    }
}
