#if canImport(Glibc)
import Glibc
#endif

/// Small files (settings, tokens, spooled events, cgroup and /proc entries) read with plain
/// POSIX calls: no Foundation in a hook's start-up path, and files whose size the kernel
/// reports as 0 (`/proc`, cgroupfs, /dev/null) read to their real end.
public enum FileBytes {
    /// The file's bytes, or nil when it cannot be opened, is a FIFO or a socket, or is larger
    /// than `limit`. Opening never blocks: a FIFO put where a settings or token file belongs
    /// would otherwise hold a root hook until something wrote to it.
    public static func read(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return nil }
        let kind = status.st_mode & S_IFMT
        guard kind != S_IFIFO, kind != S_IFSOCK else { return nil }
        return read(descriptor: fd, limit: limit)
    }

    /// The bytes left in the open file `descriptor` (which stays open), or nil when reading
    /// fails, would block, or passes `limit`.
    public static func read(descriptor fd: Int32, limit: Int = 1 << 20) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > limit { return nil }
        }
    }

    /// The file as UTF-8 text; nil when it cannot be read.
    public static func text(_ path: String, limit: Int = 1 << 20) -> String? {
        read(path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The first line of a token file, trimmed; nil when unreadable or empty.
    public static func token(at path: String) -> String? {
        guard let text = text(path, limit: 64 * 1_024) else { return nil }
        let line = text.split(whereSeparator: \.isNewline).first ?? ""
        let token = line.trimmingWhitespace()
        return token.isEmpty ? nil : String(token)
    }
}
