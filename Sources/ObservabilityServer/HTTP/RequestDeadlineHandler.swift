import CoreMetrics
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection that takes too long to send a request: `headTimeout` for a whole
/// request head, counted from the connection's start or the end of the previous response (an
/// idle keep-alive connection and one trickling its headers are the same thing to a server), and
/// `bodyTimeout` for the body, counted from its head.
///
/// Without it a connection that sends half its headers, or nothing, was held forever, and
/// about a thousand of them stopped the server taking new ones. Time spent answering is not
/// counted: a slow store is the store's concern (and has timeouts of its own).
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let headTimeout: TimeAmount
    let bodyTimeout: TimeAmount
    let closed: Counter
    private var timer: Scheduled<Void>?
    /// A request's head has come and its end not yet.
    private var readingRequest = false
    /// Requests read whose responses have not ended (HTTP/1.1 may pipeline them).
    private var unanswered = 0

    init(headTimeout: TimeAmount, bodyTimeout: TimeAmount, closed: Counter) {
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.closed = closed
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(headTimeout, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(headTimeout, context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            readingRequest = true
            unanswered += 1
            arm(bodyTimeout, context: context)
        case .body:
            break
        case .end:
            readingRequest = false
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered = max(0, unanswered - 1)
            if unanswered == 0, !readingRequest { arm(headTimeout, context: context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        timer?.cancel()
        let closed = self.closed
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            closed.increment()
            context.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
