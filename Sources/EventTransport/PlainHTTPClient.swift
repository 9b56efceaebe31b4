import ObservabilityCore

#if canImport(Glibc)
import Glibc
#endif

/// Requests to the service over a plain TCP socket, for `http://` URLs.
///
/// A hook lives for milliseconds; loading libcurl and the TLS, Kerberos and LDAP libraries it
/// pulls in costs more than the request. This client speaks just enough HTTP/1.1 for one
/// request with `Connection: close`, and every step waits at most until the deadline.
/// `https://` URLs go to libcurl (`hpc-obs-hook`, see ``HookRunner``).
public struct PlainHTTPClient: HTTPPoster {
    let host: String
    let port: String
    let hostHeader: String
    let prefix: String
    let token: String?
    public let baseURL: String

    /// Nil unless `baseURL` is `http://host[:port][/prefix]`.
    public init?(baseURL url: String, token: String?) {
        guard url.lowercased().hasPrefix("http://") else { return nil }
        var rest = Substring(url.dropFirst("http://".count))
        var prefix = ""
        if let slash = rest.firstIndex(of: "/") {
            prefix = String(rest[slash...])
            rest = rest[..<slash]
        }
        while prefix.hasSuffix("/") { prefix.removeLast() }
        guard !rest.isEmpty, !rest.contains("@") else { return nil }
        hostHeader = String(rest)
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            port = after.hasPrefix(":") ? String(after.dropFirst()) : "80"
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            port = String(rest[rest.index(after: colon)...])
        } else {
            host = String(rest)
            port = "80"
        }
        guard !host.isEmpty, let number = Int(port), (1...65_535).contains(number) else { return nil }
        self.prefix = prefix
        baseURL = "http://\(hostHeader)\(prefix)"
        self.token = token
    }

    public func send(_ method: String, _ path: String, body: [UInt8], timeoutSeconds: Double) async throws(DeliveryError) -> HTTPAnswer {
        let deadline = Deadline(seconds: timeoutSeconds)
        let url = baseURL + path
        let fd = try connect(deadline, url: url)
        defer { close(fd) }
        var request = "\(method) \(prefix)\(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nContent-Type: application/json\r\n"
        request += "Accept: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        request += "User-Agent: hpc-obs-hook\r\n\r\n"
        try write(Array(request.utf8) + body, on: fd, deadline, url: url)
        let response = try receive(from: fd, deadline, url: url)
        return try Self.answer(response, url: url)
    }

    /// Reads the status from `HTTP/1.1 200 OK\r\n…` and keeps a little of the body for logs.
    public static func answer(_ response: [UInt8], url: String) throws(DeliveryError) -> HTTPAnswer {
        // Bytes, not Characters: "\r\n" is a single Character in Swift.
        let statusLine = String(decoding: response.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw .retryable("\(url) did not answer HTTP: '\(statusLine.prefix(80))'")
        }
        let body = headerEnd(response).map { String(decoding: response[$0...].prefix(300), as: UTF8.self) } ?? ""
        return HTTPAnswer(status: status, body: body.split(whereSeparator: { $0.isNewline }).joined(separator: " "))
    }

    private func connect(_ deadline: Deadline, url: String) throws(DeliveryError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, port, &hints, &list)
        guard resolved == 0, let first = list else {
            throw .retryable("\(url): cannot resolve \(host): \(String(cString: gai_strerror(resolved)))")
        }
        defer { freeaddrinfo(first) }
        var lastError = "no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            candidate = address.pointee.ai_next
            let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { continue }
            if Glibc.connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return fd }
            if errno == EINPROGRESS, wait(fd, for: Int16(POLLOUT), deadline) {
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                if error == 0 { return fd }
                lastError = SystemError.describe(error)
            } else {
                lastError = deadline.hasPassed ? "timed out" : SystemError.describe(errno)
            }
            close(fd)
        }
        throw .retryable("\(url): cannot connect: \(lastError)")
    }

    private func write(_ bytes: [UInt8], on fd: Int32, _ deadline: Deadline, url: String) throws(DeliveryError) {
        var sent = 0
        while sent < bytes.count {
            let result = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if result > 0 {
                sent += result
            } else if result < 0, errno == EAGAIN || errno == EINTR {
                guard wait(fd, for: Int16(POLLOUT), deadline) else { throw .retryable("\(url): timed out sending") }
            } else {
                throw .retryable("\(url): send failed: \(SystemError.describe(errno))")
            }
        }
    }

    /// Everything up to the end of the headers and a little of the body, or to the close.
    private func receive(from fd: Int32, _ deadline: Deadline, url: String) throws(DeliveryError) -> [UInt8] {
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while response.count < 8_192 {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                response.append(contentsOf: chunk[..<count])
                if let end = Self.headerEnd(response), response.count >= end + 300 { break }
            } else if count == 0 {
                break
            } else if errno == EAGAIN || errno == EINTR {
                guard wait(fd, for: Int16(POLLIN), deadline) else {
                    if response.isEmpty { throw .retryable("\(url): timed out waiting for an answer") }
                    break
                }
            } else {
                throw .retryable("\(url): receive failed: \(SystemError.describe(errno))")
            }
        }
        return response
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    private func wait(_ fd: Int32, for events: Int16, _ deadline: Deadline) -> Bool {
        while true {
            let milliseconds = deadline.millisecondsLeft
            guard milliseconds > 0 else { return false }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(clamping: milliseconds))
            if ready > 0 { return true }
            if ready == 0 { return false }
            if errno != EINTR { return false }
        }
    }
}

/// A point on the monotonic clock that each blocking step waits for at most.
struct Deadline {
    let end: ContinuousClock.Instant

    init(seconds: Double) {
        end = .now + .milliseconds(Int64(saturating: min(max(0, seconds), 86_400) * 1_000))
    }

    var hasPassed: Bool { ContinuousClock.now >= end }

    var millisecondsLeft: Int {
        let left = end - .now
        return max(0, Int(left.nanoseconds / 1_000_000))
    }
}
