#if canImport(Glibc)
import Glibc
#endif

/// What `lstat` says of a path, for checks that must not follow links.
struct FileFacts: Equatable {
    enum Kind: Equatable {
        case regular
        case directory
        case symlink
        case other
    }

    var kind: Kind
    var owner: UInt32
    var group: UInt32
    /// Permission bits with set-user-ID, set-group-ID and sticky: `0o2770`.
    var mode: UInt32
    var links: UInt64

    /// nil when the path does not exist or cannot be examined (a directory above it is
    /// closed to this user); `errno` tells which.
    static func of(_ path: String) -> FileFacts? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let type = info.st_mode & S_IFMT
        let kind: Kind = type == S_IFREG ? .regular : type == S_IFDIR ? .directory : type == S_IFLNK ? .symlink : .other
        return FileFacts(kind: kind, owner: info.st_uid, group: info.st_gid, mode: UInt32(info.st_mode & 0o7777), links: UInt64(info.st_nlink))
    }

    static func octal(_ mode: UInt32) -> String {
        "0" + String(mode, radix: 8)
    }

    /// The name of a user or group id, or the number.
    static func userName(_ id: UInt32) -> String {
        guard let entry = getpwuid(id), let name = entry.pointee.pw_name else { return "\(id)" }
        return String(cString: name)
    }

    static func groupName(_ id: UInt32) -> String {
        guard let entry = getgrgid(id), let name = entry.pointee.gr_name else { return "\(id)" }
        return String(cString: name)
    }
}
