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
/// counted: a slow store is the store's concern (and has timeouts of its own). A client that
/// stops reading its answer, though, holds the connection and the answer's buffers: one that
/// leaves the connection unwritable for `headTimeout` is closed too.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let headTimeout: TimeAmount
    let bodyTimeout: TimeAmount
    let closed: Counter
    private var timer: Scheduled<Void>?
    /// Runs while the client reads nothing of what is written to it.
    private var writeTimer: Scheduled<Void>?
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
        stopWriteTimer()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        stopWriteTimer()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stopWriteTimer()
        } else if writeTimer == nil {
            let closed = self.closed
            writeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: headTimeout) {
                closed.increment()
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
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
            // Answered already (a 401 or a 413 sent before the body ended): the next request's
            // head is due; otherwise the answer is being worked on, and is not timed.
            if unanswered == 0 { arm(headTimeout, context: context) } else { disarm() }
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

    private func stopWriteTimer() {
        writeTimer?.cancel()
        writeTimer = nil
    }
}
