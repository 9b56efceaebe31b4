import LocalFiles

#if canImport(Glibc)
import Glibc
#endif

/// Events waiting on local disk for the service or the store to come back.
///
/// One file per event, named by the time it was spooled so that a sorted listing replays
/// oldest first. A file is written to a temporary name, fsynced and renamed, so a crash or a
/// full disk leaves either a whole event or none. Files that the service refuses for good
/// (a 4xx other than 408 and 429) move to `rejected/`, kept for an admin to read.
///
/// The spool is shared: the hooks write it as root (or Slurm's user), and the service's
/// account, a member of its group, replays it. So every entry is untrusted. Every operation
/// works relative to a descriptor of the directory (`openat`, `renameat`, `mkdirat`), never
/// follows a symbolic link inside it, creates only with `O_EXCL`, opens for reading with
/// `O_NONBLOCK` (a FIFO must not hang a hook), and replays only regular files with one link
/// owned by a trusted user; everything else is left alone and counted.
public struct EventSpool: Sendable {
    /// Where the packaged hooks spool and the packaged server replays from (`HPC_OBS_SPOOL_DIR`).
    public static let defaultDirectory = "/var/spool/hpc-obs"

    public let directory: String
    /// Users whose files are replayed: by default root and this process's own user. A file
    /// anyone else made (the service account can write the directory) could carry an event
    /// forged to be delivered with the hooks' credentials.
    public let trustedOwners: Set<UInt32>
    /// Spooled events are small; a larger file is not one of ours.
    public static let maxEventBytes = 1 << 20
    /// Entries a listing reads at most: a directory flooded with entries (the group can write
    /// it) costs a bounded listing, and the rest waits for later ones.
    public static let maxListed = 100_000

    public init(directory: String, trustedOwners: Set<UInt32> = EventSpool.defaultTrustedOwners) {
        self.directory = directory
        self.trustedOwners = trustedOwners
    }

    /// Root and the effective user of this process.
    public static var defaultTrustedOwners: Set<UInt32> { [0, geteuid()] }

    /// A spooled event: its file name and contents.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var body: [UInt8]
    }

    /// Events to replay, oldest first, and what was passed over on the way.
    public struct Batch: Sendable, Hashable {
        public var entries: [Entry] = []
        /// Entries named like events that are not regular files with one link owned by a
        /// trusted user: symbolic links, FIFOs, directories, hard links, forged files.
        public var unsafe = 0
        /// Trusted files this process cannot read (permissions, size).
        public var unreadable = 0
    }

    /// What the spool holds, for `/metrics`.
    public struct Census: Sendable, Hashable {
        /// Events this process can replay.
        public var waiting = 0
        public var unsafe = 0
        public var unreadable = 0

        public init(waiting: Int = 0, unsafe: Int = 0, unreadable: Int = 0) {
            self.waiting = waiting
            self.unsafe = unsafe
            self.unreadable = unreadable
        }
    }

    /// Names a new file; `time` in nanoseconds since the epoch keeps the listing in order.
    public static func fileName(nanoseconds: Int64, process: Int32, sequence: Int) -> String {
        let digits = String(nanoseconds)
        let padded = String(repeating: "0", count: max(0, 20 - digits.count)) + digits
        return "\(padded)-\(process)-\(sequence).json"
    }

    /// Writes `body` durably as `name`, readable by the spool's group (the service replays
    /// it); creates the directory (mode 0700) when missing.
    public func store(_ body: [UInt8], as name: String) throws(SpoolError) {
        let directoryFD = try openDirectory(create: true)
        defer { close(directoryFD) }
        var temporary = ""
        var fd: Int32 = -1
        // A name someone planted makes O_EXCL fail: take the next one rather than touch it.
        for attempt in 0..<8 where fd < 0 {
            temporary = ".tmp-\(name)-\(attempt)"
            fd = openat(directoryFD, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o640)
            if fd < 0, errno != EEXIST { break }
        }
        guard fd >= 0 else { throw SpoolError(path: "\(directory)/\(temporary)", operation: "create", errno: errno) }
        // The mode given to openat passes through the umask; the group must be able to read.
        fchmod(fd, 0o640)
        var written = 0
        while written < body.count {
            let result = body.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress! + written, body.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlinkat(directoryFD, temporary, 0)
                throw SpoolError(path: "\(directory)/\(temporary)", operation: "write", errno: code)
            }
            written += result
        }
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            unlinkat(directoryFD, temporary, 0)
            throw SpoolError(path: "\(directory)/\(temporary)", operation: "fsync", errno: code)
        }
        close(fd)
        guard renameat(directoryFD, temporary, directoryFD, name) == 0 else {
            let code = errno
            unlinkat(directoryFD, temporary, 0)
            throw SpoolError(path: "\(directory)/\(name)", operation: "rename into place", errno: code)
        }
        fsync(directoryFD)
    }

    /// Up to `limit` spooled events this process can replay, oldest first. Entries that are
    /// unsafe or unreadable are passed over and counted, so they never hide the ones behind
    /// them.
    public func pending(limit: Int) -> Batch {
        pending(limit: limit, from: listing()[...], scanning: Self.maxListed).batch
    }

    /// The names of spooled events, oldest first (at most ``maxListed``): list once, then
    /// take batches from it with ``pending(limit:from:scanning:)``.
    public func listing() -> [String] {
        guard let directoryFD = try? openDirectory(create: false) else { return [] }
        defer { close(directoryFD) }
        return names(in: directoryFD)
    }

    /// Events from `names`, in order, until `limit` are found or `scanning` names have been
    /// looked at; and how many names were used, to drop from the listing before the next call.
    public func pending(limit: Int, from names: ArraySlice<String>, scanning: Int) -> (batch: Batch, used: Int) {
        var batch = Batch()
        guard let directoryFD = try? openDirectory(create: false) else { return (batch, names.count) }
        defer { close(directoryFD) }
        var used = 0
        for name in names.prefix(scanning) where batch.entries.count < limit {
            used += 1
            switch read(name, in: directoryFD) {
            case .event(let body): batch.entries.append(Entry(name: name, body: body))
            case .unsafe: batch.unsafe += 1
            case .unreadable: batch.unreadable += 1
            }
        }
        return (batch, used)
    }

    /// How many events wait and how many entries are passed over, for `/metrics`.
    public func census() -> Census {
        var census = Census()
        guard let directoryFD = try? openDirectory(create: false) else { return census }
        defer { close(directoryFD) }
        for name in names(in: directoryFD) {
            switch classify(name, in: directoryFD) {
            case .trusted(let fd):
                close(fd)
                census.waiting += 1
            case .unsafe: census.unsafe += 1
            case .unreadable: census.unreadable += 1
            }
        }
        return census
    }

    /// Forgets a delivered event. Another hook may have replayed and removed it already.
    public func remove(_ name: String) {
        guard let directoryFD = try? openDirectory(create: false) else { return }
        defer { close(directoryFD) }
        unlinkat(directoryFD, name, 0)
    }

    /// Sets aside an event the service refused for good: into `rejected/` when that is a
    /// directory of a trusted user that nobody else may write (one the spool's group could
    /// write, it could also move elsewhere), else under a hidden name in the spool itself (a
    /// planted `rejected` link must not send files elsewhere either).
    public func reject(_ name: String) {
        guard let directoryFD = try? openDirectory(create: false) else { return }
        defer { close(directoryFD) }
        mkdirat(directoryFD, "rejected", 0o750)
        let rejectedFD = openat(directoryFD, "rejected", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if rejectedFD >= 0 {
            defer { close(rejectedFD) }
            var status = stat()
            if fstat(rejectedFD, &status) == 0, trustedOwners.contains(status.st_uid), status.st_mode & 0o022 == 0,
                renameat(directoryFD, name, rejectedFD, name) == 0
            {
                fsync(rejectedFD)
                return
            }
        }
        renameat(directoryFD, name, directoryFD, ".rejected-\(name)")
    }

    /// Runs `body` while holding the spool's replay lock, or returns nil at once when another
    /// process holds it: two processes replaying the same files would only send duplicates.
    /// The lock is the directory's own (`flock` on its descriptor): no lock file that a link
    /// could point elsewhere.
    public func withReplayLock<Result>(_ body: () async throws -> Result) async rethrows -> Result? {
        guard let directoryFD = try? openDirectory(create: false) else { return nil }
        defer { close(directoryFD) }
        guard flock(directoryFD, LOCK_EX | LOCK_NB) == 0 else { return nil }
        defer { flock(directoryFD, LOCK_UN) }
        return try await body()
    }

    private func openDirectory(create: Bool) throws(SpoolError) -> Int32 {
        var fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0, errno == ENOENT, create {
            if mkdir(directory, 0o700) != 0, errno != EEXIST {
                throw SpoolError(path: directory, operation: "create directory", errno: errno)
            }
            fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        guard fd >= 0 else { throw SpoolError(path: directory, operation: "open directory", errno: errno) }
        return fd
    }

    private func names(in directoryFD: Int32) -> [String] {
        Directory.entries(descriptor: directoryFD, limit: Self.maxListed).filter { !$0.hasPrefix(".") && $0.hasSuffix(".json") }.sorted()
    }

    private enum Reading {
        case event([UInt8])
        case unsafe
        case unreadable
    }

    private enum Classification {
        /// Open for reading.
        case trusted(Int32)
        case unsafe
        case unreadable
    }

    private func read(_ name: String, in directoryFD: Int32) -> Reading {
        switch classify(name, in: directoryFD) {
        case .trusted(let fd):
            defer { close(fd) }
            guard let body = FileBytes.read(descriptor: fd, limit: Self.maxEventBytes) else { return .unreadable }
            return .event(body)
        case .unsafe: return .unsafe
        case .unreadable: return .unreadable
        }
    }

    /// Looks at the entry without following it, opens it without following or blocking, and
    /// checks that what was opened is what was looked at.
    private func classify(_ name: String, in directoryFD: Int32) -> Classification {
        var before = stat()
        guard fstatat(directoryFD, name, &before, AT_SYMLINK_NOFOLLOW) == 0 else { return .unreadable }
        guard isTrustedEvent(before) else { return .unsafe }
        let fd = openat(directoryFD, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return errno == ELOOP ? .unsafe : .unreadable }
        var after = stat()
        guard fstat(fd, &after) == 0, isTrustedEvent(after), after.st_dev == before.st_dev, after.st_ino == before.st_ino else {
            close(fd)
            return .unsafe
        }
        guard after.st_size <= Self.maxEventBytes else {
            close(fd)
            return .unreadable
        }
        return .trusted(fd)
    }

    private func isTrustedEvent(_ status: stat) -> Bool {
        (status.st_mode & S_IFMT) == S_IFREG && status.st_nlink == 1 && trustedOwners.contains(status.st_uid)
    }
}
