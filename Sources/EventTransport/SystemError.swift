#if canImport(Glibc)
import Glibc
#endif

/// errno as the C library words it, for messages.
package enum SystemError {
    package static func describe(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message)
    }
}
