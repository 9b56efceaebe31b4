import CCurl
public import EventTransport
import ObservabilityCore
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Requests to the service through libcurl, for https: TLS, certificates and proxies as every
/// admin knows them. Plain http goes through ``PlainHTTPClient``, which starts faster.
public struct CurlClient: HTTPPoster {
    public let baseURL: String
    let token: String?
    let caFile: String?

    /// `token` is the bearer credential, already read from its file; `caFile` the PEM file
    /// of the certificate authorities the server's certificate must chain to (the system's
    /// store when nil). Certificates and host names are always verified.
    public init(baseURL: String, token: String?, caFile: String? = nil) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.token = token
        self.caFile = caFile
    }

    /// ``PlainHTTPClient`` for http, libcurl for https, nil for anything else.
    public static func forURL(_ url: String, token: String?, caFile: String? = nil) -> (any HTTPPoster)? {
        if let plain = PlainHTTPClient(baseURL: url, token: token) { return plain }
        return url.lowercased().hasPrefix("https://") ? CurlClient(baseURL: url, token: token, caFile: caFile) : nil
    }

    /// A poster for every URL of `HPC_OBS_URL` (comma-separated for replicas), tried in order;
    /// nil when one of them is neither http nor https.
    public static func forURLs(_ text: String, token: String?, caFile: String? = nil) -> (any HTTPPoster)? {
        let clients = ServiceURLs.split(text).map { forURL($0, token: token, caFile: caFile) }
        guard !clients.isEmpty, clients.allSatisfy({ $0 != nil }) else { return nil }
        let posters = clients.compactMap { $0 }
        return posters.count == 1 ? posters[0] : FailoverPoster(posters)
    }

    /// TLS is set up only for an https URL: initialising OpenSSL costs a plain-HTTP hook a
    /// few megabytes and milliseconds for nothing.
    private static let initialized = Mutex<Bool>(false)

    private func initializeCurl() -> Bool {
        Self.initialized.withLock { initialized in
            if !initialized {
                let flags = baseURL.lowercased().hasPrefix("https:") ? CURL_GLOBAL_DEFAULT : CURL_GLOBAL_NOTHING
                initialized = curl_global_init(Int(flags)) == CURLE_OK
            }
            return initialized
        }
    }

    public func send(_ method: String, _ path: String, body: [UInt8], timeoutSeconds: Double) async throws(DeliveryError) -> HTTPAnswer {
        let url = baseURL + path
        guard initializeCurl(), let handle = curl_easy_init() else {
            throw .retryable("libcurl could not start")
        }
        defer { curl_easy_cleanup(handle) }
        var headers: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "Content-Type: application/json")
        headers = curl_slist_append(headers, "Accept: application/json")
        headers = curl_slist_append(headers, "Expect:")
        if let token { headers = curl_slist_append(headers, "Authorization: Bearer \(token)") }
        defer { curl_slist_free_all(headers) }

        let response = ResponseBuffer()
        let context = Unmanaged.passRetained(response)
        defer { context.release() }
        let milliseconds = max(1, Int(saturating: min(timeoutSeconds, 86_400) * 1_000))

        let code: CURLcode = body.withUnsafeBytes { raw in
            hpc_curl_setopt_string(handle, CURLOPT_URL, url)
            hpc_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
            hpc_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress))
            hpc_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, raw.count)
            hpc_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
            hpc_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds)
            hpc_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds)
            // The hook's deadline is a SIGALRM; curl must not install its own signal handlers.
            hpc_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            hpc_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
            hpc_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
            if let caFile { hpc_curl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
            // Only the service's own scheme: no redirect or proxy may turn https into http.
            hpc_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
            hpc_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
            hpc_curl_setopt_write_function(handle) { data, size, count, context in
                guard let data, let context else { return 0 }
                let buffer = Unmanaged<ResponseBuffer>.fromOpaque(context).takeUnretainedValue()
                buffer.append(UnsafeRawBufferPointer(start: data, count: size * count))
                return size * count
            }
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            throw .retryable("\(url): \(String(cString: curl_easy_strerror(code)))")
        }
        var status = 0
        hpc_curl_response_code(handle, &status)
        return HTTPAnswer(status: status, body: response.text)
    }
}

/// The first bytes of the response, for the one log line a failure writes.
private final class ResponseBuffer {
    private var bytes: [UInt8] = []

    func append(_ chunk: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: chunk.prefix(max(0, 300 - bytes.count)))
    }

    var text: String {
        String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
