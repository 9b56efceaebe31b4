import SchedulerHooks
import Testing

@Suite("Plain HTTP delivery")
struct PlainHTTPEventDeliveryTests {
    @Test(arguments: [
        ("http://obs:8080", "http://obs:8080/v1/events"),
        ("http://obs", "http://obs/v1/events"),
        ("http://10.0.0.5:9000/hpc/", "http://10.0.0.5:9000/hpc/v1/events"),
        ("HTTP://[::1]:8080", "http://[::1]:8080/v1/events"),
    ])
    func acceptsHTTPURLs(url: String, events: String) throws {
        #expect(try #require(PlainHTTPEventDelivery(baseURL: url, token: nil)).eventsURL == events)
    }

    @Test(arguments: ["https://obs:8443", "obs:8080", "http://", "http://obs:0", "http://obs:99999", "http://user@obs", "http://[::1"])
    func leavesOtherURLsToOthers(url: String) {
        #expect(PlainHTTPEventDelivery(baseURL: url, token: nil) == nil)
    }

    @Test func sortsAnswersIntoDeliveredRetryableAndRefused() throws {
        func check(_ response: String) -> DeliveryError? {
            do throws(DeliveryError) {
                try PlainHTTPEventDelivery.check(Array(response.utf8), url: "u")
                return nil
            } catch {
                return error
            }
        }
        #expect(check("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}") == nil)
        #expect(check("HTTP/1.1 422 Unprocessable Content\r\n\r\n{\"detail\":\"bad\"}") == .rejected("u answered 422: {\"detail\":\"bad\"}"))
        #expect(check("HTTP/1.1 401 Unauthorized\r\n\r\n") == .retryable("u answered 401: "))
        #expect(check("HTTP/1.1 503 Service Unavailable\r\n\r\n") == .retryable("u answered 503: "))
        #expect(check("SSH-2.0-OpenSSH\r\n") == .retryable("u did not answer HTTP: 'SSH-2.0-OpenSSH'"))
    }
}
