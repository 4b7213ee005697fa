package io.skein.wire.connection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.skein.wire.codec.DecodedRequest;
import io.skein.wire.codec.ResponseEncoder;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a connection's responses in request order and applies back-pressure.
 *
 * <p>Inbound, each {@link DecodedRequest} gets a {@link ResponseSlot} at the tail of the queue,
 * which travels on to the dispatcher. Outbound, a slot written back by the dispatcher is marked
 * arrived; then every arrived slot at the head of the queue is encoded and written, so responses
 * leave in request order whatever order the handlers finish in. Several responses finishing
 * together share one flush (the flush runs as a task after the completions already queued).
 *
 * <p>Back-pressure: reading stops ({@code autoRead} off) while {@code maxInFlight} requests are
 * unanswered or the outbound buffer is above its high-water mark, and after {@link StopReading};
 * it resumes when both are below again.
 *
 * <p>Threading: every field is owned by the channel's event loop; the dispatcher hops there before
 * writing a slot. The server-wide {@link InFlightRequests} is shared (atomic).
 */
public final class InOrderResponseWriter extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(InOrderResponseWriter.class);

    private final int maxInFlight;
    private final InFlightRequests serverInFlight;
    private final ArrayDeque<ResponseSlot> queue = new ArrayDeque<>();
    /** Decided to close (encode failure, CLOSE outcome): write nothing more, read nothing more. */
    private boolean closing;
    /** channelInactive ran: the queue was emptied and released; later slots are released on arrival. */
    private boolean inactive;
    private boolean stopReading;
    private boolean flushScheduled;

    public InOrderResponseWriter(int maxInFlight, InFlightRequests serverInFlight) {
        this.maxInFlight = Math.max(1, maxInFlight);
        this.serverInFlight = serverInFlight;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DecodedRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (closing || inactive) {
            request.frame().release();
            return;
        }
        ResponseSlot slot = new ResponseSlot(request);
        queue.add(slot);
        serverInFlight.add(1);
        updateAutoRead(ctx.channel());
        ctx.fireChannelRead(slot);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ResponseSlot slot)) {
            ctx.write(msg, promise);
            return;
        }
        slot.markArrived();
        if (inactive) {
            slot.release(); // not in the queue any more
        } else if (!closing) {
            drain(ctx);
        } // else: still queued; released by channelInactive
        promise.trySuccess();
    }

    private void drain(ChannelHandlerContext ctx) {
        boolean wrote = false;
        ResponseSlot head;
        while (!closing && (head = queue.peek()) != null && head.hasArrived()) {
            queue.poll();
            serverInFlight.add(-1);
            try {
                switch (head.outcome()) {
                    case RESPONSE -> wrote |= writeResponse(ctx, head);
                    case CLOSE -> {
                        closing = true;
                        ctx.flush();
                        ctx.close();
                    }
                    case RESPONSE_THEN_CLOSE -> {
                        writeResponse(ctx, head);
                        closing = true;
                        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                                .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                    }
                    default -> { } // NO_RESPONSE: the slot only keeps its place in the order
                }
            } finally {
                head.release();
            }
        }
        if (wrote) {
            scheduleFlush(ctx);
        }
        updateAutoRead(ctx.channel());
    }

    private boolean writeResponse(ChannelHandlerContext ctx, ResponseSlot slot) {
        RequestHeader header = slot.request().header();
        List<Object> parts;
        try {
            parts = ResponseEncoder.encode(ctx.alloc(), header.correlationId(), slot.headerVersion(), slot.takeBody(),
                    slot.version());
        } catch (RuntimeException e) {
            log.error("Closing connection from {}: cannot encode the {} v{} response (correlation id {}, client {})",
                    ctx.channel().remoteAddress(), header.apiKey(), slot.version(), header.correlationId(),
                    header.clientId(), e);
            closing = true;
            ctx.flush();
            ctx.close();
            return false;
        }
        for (Object part : parts) {
            ctx.write(part, ctx.voidPromise());
        }
        return true;
    }

    private void scheduleFlush(ChannelHandlerContext ctx) {
        if (flushScheduled) {
            return;
        }
        flushScheduled = true;
        try {
            ctx.executor().execute(() -> {
                flushScheduled = false;
                ctx.flush();
            });
        } catch (RejectedExecutionException e) {
            flushScheduled = false;
            ctx.flush();
        }
    }

    private void updateAutoRead(Channel channel) {
        boolean read = !closing && !inactive && !stopReading && queue.size() < maxInFlight && channel.isWritable();
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead(ctx.channel());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == StopReading.INSTANCE) {
            stopReading = true;
            updateAutoRead(ctx.channel());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
        serverInFlight.add(-queue.size());
        for (ResponseSlot slot : queue) {
            if (slot.hasArrived()) {
                slot.release();
            }
            // a slot still at its handler is released when it comes back (see write)
        }
        queue.clear();
        ctx.fireChannelInactive();
    }
}
