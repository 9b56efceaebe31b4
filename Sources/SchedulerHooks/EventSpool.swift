#if canImport(Glibc)
import Glibc
#endif
import LocalFiles

/// Events waiting on local disk for the service or the store to come back.
///
/// One file per event, named by the time it was spooled so that a sorted listing replays
/// oldest first. A file is written to a temporary name, fsynced and renamed, so a crash or a
/// full disk leaves either a whole event or none. Files that the service refuses for good
/// (a 4xx other than 408 and 429) move to `rejected/`, kept for an admin to read.
public struct EventSpool: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// A spooled event: its file name and contents.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var body: [UInt8]
    }

    /// Names a new file; `time` in nanoseconds since the epoch keeps the listing in order.
    public static func fileName(nanoseconds: Int64, process: Int32, sequence: Int) -> String {
        let digits = String(nanoseconds)
        let padded = String(repeating: "0", count: max(0, 20 - digits.count)) + digits
        return "\(padded)-\(process)-\(sequence).json"
    }

    /// Writes `body` durably as `name`; creates the directory (mode 0700) when missing.
    public func store(_ body: [UInt8], as name: String) throws(SpoolError) {
        try createDirectory()
        let temporary = "\(directory)/.tmp-\(name)"
        let final = "\(directory)/\(name)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SpoolError(path: temporary, operation: "create", errno: errno) }
        var written = 0
        while written < body.count {
            let result = body.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress! + written, body.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                throw SpoolError(path: temporary, operation: "write", errno: code)
            }
            written += result
        }
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            unlink(temporary)
            throw SpoolError(path: temporary, operation: "fsync", errno: code)
        }
        close(fd)
        guard rename(temporary, final) == 0 else {
            let code = errno
            unlink(temporary)
            throw SpoolError(path: final, operation: "rename into place", errno: code)
        }
        syncDirectory()
    }

    /// Up to `limit` spooled events, oldest first. Unreadable files are skipped.
    public func pending(limit: Int) -> [Entry] {
        names().prefix(limit).compactMap { name in
            FileBytes.read("\(directory)/\(name)").map { Entry(name: name, body: $0) }
        }
    }

    /// How many events wait, for `/metrics`.
    public func depth() -> Int {
        names().count
    }

    /// Forgets a delivered event. Another hook may have replayed and removed it already.
    public func remove(_ name: String) {
        unlink("\(directory)/\(name)")
    }

    /// Sets aside an event the service refused for good.
    public func reject(_ name: String) {
        let rejected = "\(directory)/rejected"
        mkdir(rejected, 0o700)
        rename("\(directory)/\(name)", "\(rejected)/\(name)")
    }

    /// Runs `body` while holding the spool's replay lock, or returns nil at once when another
    /// process holds it: two processes replaying the same files would only send duplicates.
    public func withReplayLock<Result>(_ body: () async throws -> Result) async rethrows -> Result? {
        let fd = open("\(directory)/.replay.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return nil }
        defer { flock(fd, LOCK_UN) }
        return try await body()
    }

    private func createDirectory() throws(SpoolError) {
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw SpoolError(path: directory, operation: "create directory", errno: errno)
        }
    }

    private func names() -> [String] {
        Directory.entries(directory).filter { !$0.hasPrefix(".") && $0.hasSuffix(".json") }.sorted()
    }

    private func syncDirectory() {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
