import EventTransport
import Synchronization
import Testing

@Suite("Several service addresses")
struct FailoverPosterTests {
    /// A poster that answers, refuses or stays silent as told, and records the time it was given.
    final class StandIn: HTTPPoster {
        enum Behaviour {
            case answer(Int)
            case refuse
            /// Gives up at once as if its share of the time had run out, without the wait.
            case silent
        }

        let baseURL: String
        let behaviour: Behaviour
        let given = Mutex<[Double]>([])

        init(_ name: String, _ behaviour: Behaviour) {
            baseURL = "http://\(name)"
            self.behaviour = behaviour
        }

        func send(_ method: String, _ path: String, body: [UInt8], timeoutSeconds: Double) async throws(DeliveryError) -> HTTPAnswer {
            given.withLock { $0.append(timeoutSeconds) }
            switch behaviour {
            case .answer(let status): return HTTPAnswer(status: status, body: "")
            case .refuse: throw .retryable("\(baseURL): connection refused")
            case .silent: throw .retryable("\(baseURL): no answer")
            }
        }
    }

    @Test func theListIsSplitAtCommas() {
        #expect(ServiceURLs.split(" http://a:1 ,http://b:2,, ") == ["http://a:1", "http://b:2"])
        #expect(ServiceURLs.split("").isEmpty)
        #expect(PlainHTTPClient.forURLs("http://a:1,https://b", token: nil) == nil)
        #expect(PlainHTTPClient.forURLs("http://a:1", token: nil) is PlainHTTPClient)
        #expect(PlainHTTPClient.forURLs("http://a:1,http://b:2", token: nil)?.baseURL == "http://a:1,http://b:2")
    }

    @Test func aRefusalPassesToTheNextAddressWithAllTheTimeLeft() async throws {
        let first = StandIn("a", .refuse)
        let second = StandIn("b", .answer(201))
        let poster = try #require(FailoverPoster([first, second]))
        #expect(try await poster.send("POST", "/v1/events", body: [], timeoutSeconds: 2).status == 201)
        let firstShare = try #require(first.given.withLock { $0.first })
        #expect(firstShare > 0.9 && firstShare <= 1, "half of the 2 s")
        #expect(try #require(second.given.withLock { $0.first }) > 1.9)
    }

    @Test func anAnswerOfAnyStatusEndsTheRound() async throws {
        let first = StandIn("a", .answer(503))
        let second = StandIn("b", .answer(201))
        let poster = try #require(FailoverPoster([first, second]))
        #expect(try await poster.send("POST", "/v1/events", body: [], timeoutSeconds: 2).status == 503)
        #expect(second.given.withLock { $0.isEmpty })
    }

    @Test func aSilentAddressIsGivenItsShareOnlyAndAllDownNamesEach() async throws {
        let silent = StandIn("a", .silent)
        let refusing = StandIn("b", .refuse)
        let poster = try #require(FailoverPoster([silent, refusing]))
        await #expect(throws: DeliveryError.retryable("http://a: no answer; http://b: connection refused")) {
            try await poster.send("POST", "/v1/events", body: [], timeoutSeconds: 0.4)
        }
        let share = try #require(silent.given.withLock { $0.first })
        #expect(share > 0.1 && share <= 0.2, "half of the 0.4 s, not all of it")
    }
}
