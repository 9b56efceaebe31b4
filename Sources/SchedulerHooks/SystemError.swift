#if canImport(Glibc)
import Glibc
#endif

enum SystemError {
    static func describe(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message)
    }
}
