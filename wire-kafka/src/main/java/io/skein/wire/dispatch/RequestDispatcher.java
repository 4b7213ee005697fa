package io.skein.wire.dispatch;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.EventExecutor;
import io.skein.wire.api.HandlerRegistry;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import io.skein.wire.codec.DecodedRequest;
import io.skein.wire.connection.ConnectionIdentity;
import io.skein.wire.connection.ResponseSlot;
import io.skein.wire.errors.ErrorResponses;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each request's registered handler on the handler pool, never on the event loop, one
 * request of the connection at a time and in request order: the next handler call starts once the
 * previous one has <em>returned</em> its future, not once the future completed, so a long-poll
 * fetch does not hold up the connection's later requests. The outcome goes into the request's
 * {@link ResponseSlot}, which is written back down the pipeline on the event loop.
 *
 * <p>Threading: {@link #channelRead} runs on the event loop; handler calls on the pool; completions
 * on whatever thread completes the future. The only state is the per-connection serial queue.
 */
public final class RequestDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    private final HandlerRegistry registry;
    private final ConnectionIdentity identity;
    private final SerialExecutor serial;

    public RequestDispatcher(HandlerRegistry registry, ConnectionIdentity identity, Executor handlerPool) {
        this.registry = registry;
        this.identity = identity;
        this.serial = new SerialExecutor(handlerPool);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ResponseSlot slot)) {
            ctx.fireChannelRead(msg);
            return;
        }
        DecodedRequest decoded = slot.request();
        if (decoded.isUnsupportedApiVersions()) {
            slot.respond(ApiVersionsHandler.unsupportedVersionResponse(registry), (short) 0, (short) 0);
            ctx.write(slot, ctx.voidPromise());
            return;
        }
        RequestContext context = new RequestContext(decoded.header(), identity.listenerName(), identity.peer(),
                identity.connectionId(), identity.principal(), decoded.receivedNanos(), identity.sasl());
        RequestHandler handler = registry.get(decoded.header().apiKey()).handler();
        try {
            serial.execute(() -> invoke(ctx, slot, context, handler));
        } catch (RejectedExecutionException e) {
            log.info("Closing connection from {}: the request handlers are shut down", context.peer());
            slot.closeConnection();
            ctx.write(slot, ctx.voidPromise());
        }
    }

    private void invoke(ChannelHandlerContext ctx, ResponseSlot slot, RequestContext context, RequestHandler handler) {
        AbstractRequest request = slot.request().request();
        CompletableFuture<ApiMessage> future;
        try {
            future = handler.handle(context, request);
            if (future == null) {
                future = CompletableFuture.failedFuture(new IllegalStateException(
                        "handler for " + context.header().apiKey() + " returned no future"));
            }
        } catch (Throwable t) {
            future = CompletableFuture.failedFuture(t);
        }
        future.whenComplete((body, failure) -> complete(ctx, slot, context, request, body, failure));
    }

    private static void complete(ChannelHandlerContext ctx, ResponseSlot slot, RequestContext context,
                                 AbstractRequest request, ApiMessage body, Throwable failure) {
        short version = context.apiVersion();
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        try {
            if (cause instanceof io.skein.wire.api.RespondThenCloseException close) {
                log.info("Closing connection from {} after answering {} (correlation id {}): {}", context.peer(),
                        context.header().apiKey(), context.header().correlationId(), close.getMessage());
                slot.respondThenClose(close.response(), version, headerVersion(context));
            } else if (cause instanceof io.skein.wire.api.CloseConnectionException close) {
                log.info("Closing connection from {} after {} (correlation id {}): {}", context.peer(),
                        context.header().apiKey(), context.header().correlationId(), close.getMessage());
                slot.closeConnection();
            } else if (failure != null) {
                slot.respond(ErrorResponses.forFailure(context, request, failure), version, headerVersion(context));
            } else if (body == null) {
                slot.respondWithNothing();
            } else {
                slot.respond(body, version, headerVersion(context));
            }
        } catch (RuntimeException e) {
            log.error("Closing connection from {}: no response possible for {} v{} (correlation id {})",
                    context.peer(), context.header().apiKey(), version, context.header().correlationId(), e);
            slot.closeConnection();
        }
        writeOnEventLoop(ctx, slot);
    }

    /** ApiVersions responses always use header v0, whatever the request version (KIP-511). */
    private static short headerVersion(RequestContext context) {
        ApiKeys api = context.header().apiKey();
        return api == ApiKeys.API_VERSIONS ? 0 : api.responseHeaderVersion(context.apiVersion());
    }

    private static void writeOnEventLoop(ChannelHandlerContext ctx, ResponseSlot slot) {
        EventExecutor loop = ctx.executor();
        if (loop.inEventLoop()) {
            ctx.write(slot, ctx.voidPromise());
            return;
        }
        try {
            // execute, not a write from this thread: Netty queues those lazily, without waking the loop
            loop.execute(() -> ctx.write(slot, ctx.voidPromise()));
        } catch (RejectedExecutionException e) {
            slot.release(); // the event loop is gone, and the connection with it
        }
    }
}
