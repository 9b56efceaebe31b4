import HTTPTypes
import Metrics
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import ObservabilityServer

@Suite("Request deadlines")
struct RequestDeadlineHandlerTests {
    func channel() throws -> (EmbeddedChannel, EmbeddedEventLoop) {
        let loop = EmbeddedEventLoop()
        let handler = RequestDeadlineHandler(headTimeout: .seconds(10), bodyTimeout: .seconds(5), closed: Counter(label: "test"))
        let channel = EmbeddedChannel(handler: handler, loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, loop)
    }

    let head = HTTPRequestPart.head(HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/v1/events"))

    @Test func aConnectionThatSendsNoHeadIsClosedAfterTheHeadTimeout() throws {
        let (channel, loop) = try channel()
        loop.advanceTime(by: .seconds(9))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test func aBodyThatDoesNotEndIsClosedAfterTheBodyTimeout() throws {
        let (channel, loop) = try channel()
        try channel.writeInbound(head)
        loop.advanceTime(by: .seconds(6))
        #expect(!channel.isActive)
    }

    @Test func theAnswerIsNotTimedAndTheNextHeadIs() throws {
        let (channel, loop) = try channel()
        try channel.writeInbound(head)
        try channel.writeInbound(HTTPRequestPart.end(nil))
        loop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        loop.advanceTime(by: .seconds(11))
        #expect(!channel.isActive)
    }

    /// Found in review: an answer sent before the body ended (a 401, a 413) left the
    /// connection with no timer once the body's end came.
    @Test func anEarlyAnswerStillLeavesTheConnectionTimed() throws {
        let (channel, loop) = try channel()
        try channel.writeInbound(head)
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .unauthorized)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        loop.advanceTime(by: .seconds(11))
        #expect(!channel.isActive)
    }
}
