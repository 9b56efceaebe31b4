#if DEBUG
#if canImport(Glibc)
import Glibc
#endif

/// Debug builds only: makes a hook crash on purpose where `HPC_OBS_TEST_CRASH` says, so the
/// tests can check that the watchdog still spools the event and exits 0. Release builds (the
/// `.deb`) do not contain it.
enum TestCrash {
    /// `trap` (a Swift runtime trap), `segv` (a bad access), `abort`, or `stack` (an overflow).
    static func trigger(_ mode: String?) {
        switch mode {
        case "trap": fatalError("HPC_OBS_TEST_CRASH=trap")
        case "segv": UnsafeMutablePointer<Int>(bitPattern: 8)!.pointee = 1
        case "abort": abort()
        case "stack": print(recurse(1))
        default: return
        }
    }

    /// Ends only when the stack does (`depth` would have to wrap around to 0 first).
    private static func recurse(_ depth: Int) -> Int {
        guard depth != 0 else { return 0 }
        var frame = [Int](repeating: depth, count: 64)
        frame[0] = recurse(depth &+ 1)
        return frame.reduce(0, &+)
    }
}
#endif
