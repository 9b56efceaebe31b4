#if canImport(Glibc)
import Glibc
#endif

/// Directory listings and checks with POSIX calls, for /proc, cgroupfs and the spool.
public enum Directory {
    /// Names in `path` (not `.` and `..`), or none when it cannot be read.
    public static func entries(_ path: String) -> [String] {
        guard let stream = opendir(path) else { return [] }
        defer { closedir(stream) }
        return names(in: stream)
    }

    /// Names in the directory open as `descriptor` (which stays open and the caller's), at
    /// most `limit` of them.
    public static func entries(descriptor: Int32, limit: Int = .max) -> [String] {
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { return [] }
        guard let stream = fdopendir(copy) else {
            close(copy)
            return []
        }
        defer { closedir(stream) }
        // The copy shares the position of `descriptor`: start from the top.
        rewinddir(stream)
        return names(in: stream, limit: limit)
    }

    public static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    private static func names(in stream: OpaquePointer, limit: Int = .max) -> [String] {
        var names: [String] = []
        while names.count < limit, let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }
}
