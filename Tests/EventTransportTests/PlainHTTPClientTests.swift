import EventTransport
import Testing

@Suite("Plain HTTP client")
struct PlainHTTPClientTests {
    @Test(arguments: [
        ("http://obs:8080", "http://obs:8080"),
        ("http://obs", "http://obs"),
        ("http://10.0.0.5:9000/hpc/", "http://10.0.0.5:9000/hpc"),
        ("HTTP://[::1]:8080", "http://[::1]:8080"),
    ])
    func acceptsHTTPURLs(url: String, base: String) throws {
        #expect(try #require(PlainHTTPClient(baseURL: url, token: nil)).baseURL == base)
    }

    @Test(arguments: ["https://obs:8443", "obs:8080", "http://", "http://obs:0", "http://obs:99999", "http://user@obs", "http://[::1"])
    func leavesOtherURLsToOthers(url: String) {
        #expect(PlainHTTPClient(baseURL: url, token: nil) == nil)
    }

    @Test func readsTheStatusAndTheStartOfTheBody() throws {
        #expect(
            try PlainHTTPClient.answer(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".utf8), url: "u") == HTTPAnswer(status: 200, body: "{}")
        )
        #expect(try PlainHTTPClient.answer(Array("HTTP/1.1 401 Unauthorized\r\n\r\n".utf8), url: "u").status == 401)
        #expect(throws: DeliveryError.retryable("u did not answer HTTP: 'SSH-2.0-OpenSSH'")) {
            try PlainHTTPClient.answer(Array("SSH-2.0-OpenSSH\r\n".utf8), url: "u")
        }
    }

    @Test func sortsAnswersIntoDeliveredRetryableAndRefused() {
        func check(_ status: Int) -> DeliveryError? {
            do throws(DeliveryError) {
                try DeliveryError.check(status: status, url: "u", response: "r")
                return nil
            } catch {
                return error
            }
        }
        #expect(check(200) == nil)
        #expect(check(422) == .rejected("u answered 422: r"))
        // An event without a cluster for an id several clusters share: no retry can place it.
        #expect(check(409) == .rejected("u answered 409: r"))
        #expect(check(401) == .retryable("u answered 401: r"))
        #expect(check(503) == .retryable("u answered 503: r"))
    }
}
