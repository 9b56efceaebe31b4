public import Foundation

/// Runs one of the package's executables, built beside the test bundle, as a child process.
public enum BuiltExecutable {
    public struct Result: Sendable {
        public let status: Int32
        public let standardError: String
        public let seconds: Double
    }

    public static func url(_ name: String) -> URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Runs `name` with exactly `environment` (nothing inherited, as slurmd does) and waits.
    /// `whileRunning` gets the process id, to signal it.
    public static func run(
        _ name: String,
        arguments: [String] = [],
        environment: [String: String],
        whileRunning: (@Sendable (Int32) async -> Void)? = nil
    ) async throws -> Result {
        let process = Process()
        process.executableURL = url(name)
        process.arguments = arguments
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let start = ContinuousClock.now
        try process.run()
        if let whileRunning { await whileRunning(process.processIdentifier) }
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - start
        return Result(
            status: process.terminationStatus,
            standardError: String(decoding: data, as: UTF8.self),
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        )
    }
}
