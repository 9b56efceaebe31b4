#if canImport(Glibc)
import Glibc
#endif

/// Small files (settings, tokens, spooled events) read with plain POSIX calls: no Foundation
/// in a hook's start-up path, and character devices such as /dev/null read as empty.
public enum FileBytes {
    /// The file's bytes, or nil when it cannot be opened or is larger than `limit`.
    public static func read(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
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

    /// The first line of a token file, trimmed; nil when unreadable or empty.
    public static func token(at path: String) -> String? {
        guard let bytes = read(path, limit: 64 * 1_024) else { return nil }
        let line = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first ?? ""
        let token = line.trimmingWhitespace()
        return token.isEmpty ? nil : String(token)
    }
}
