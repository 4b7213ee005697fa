package io.skein.wire.connection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.skein.wire.api.CloseConnectionException;
import io.skein.wire.api.HandlerRegistry;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import io.skein.wire.codec.DecodedRequest;
import io.skein.wire.codec.ResponseWriter;
import io.skein.wire.dispatch.ApiVersionsHandler;
import io.skein.wire.dispatch.SerialExecutor;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's request lifecycle: hands decoded requests to their handlers (off the event
 * loop, one at a time per connection, in order), collects the responses as they complete in any
 * order, and writes them in request order. Stops reading the socket while too many requests are
 * unanswered or the outbound buffer is above its high-water mark.
 *
 * <p>Threading: every field is owned by the channel's event loop; handler completions hop back to
 * it. {@code inFlight} is also read by {@link #inFlight()} from the server's shutdown thread.
 */
public final class ConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    private static final Object NO_RESPONSE = new Object();

    /** Close the connection when this request's turn comes. */
    private record Close(String reason) {
    }

    private final HandlerRegistry registry;
    private final ApiVersionsHandler apiVersions;
    private final SerialExecutor dispatcher;
    private final String listenerName;
    private final long connectionId;
    private final int maxInFlight;
    private final AtomicInteger serverInFlight;
    private final Map<Long, Object> completed = new HashMap<>();
    private long nextSequence;
    private long nextToWrite;
    private int inFlight;
    private boolean readPaused;
    private boolean closed;

    public ConnectionHandler(HandlerRegistry registry, ApiVersionsHandler apiVersions, Executor handlerPool,
                             String listenerName, long connectionId, int maxInFlight, AtomicInteger serverInFlight) {
        this.registry = registry;
        this.apiVersions = apiVersions;
        this.dispatcher = new SerialExecutor(handlerPool);
        this.listenerName = listenerName;
        this.connectionId = connectionId;
        this.maxInFlight = maxInFlight;
        this.serverInFlight = serverInFlight;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DecodedRequest decoded = (DecodedRequest) msg;
        long sequence = nextSequence++;
        inFlight++;
        serverInFlight.incrementAndGet();
        updateAutoRead(ctx.channel());
        RequestHeader header = decoded.header();
        if (decoded.request() == null) {
            decoded.frame().release();
            complete(ctx, sequence, new Response(header, (short) 0, (short) 0, apiVersions.unsupportedVersionResponse()));
            return;
        }
        InetSocketAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address : null;
        RequestContext context = new RequestContext(header, listenerName, peer, connectionId, KafkaPrincipal.ANONYMOUS,
                decoded.receivedNanos());
        RequestHandler handler = header.apiKey() == ApiKeys.API_VERSIONS ? apiVersions
                : registry.get(header.apiKey()).handler();
        dispatcher.execute(() -> {
            CompletableFuture<ApiMessage> future;
            try {
                future = handler.handle(context, decoded.request());
            } catch (RuntimeException e) {
                future = CompletableFuture.failedFuture(e);
            }
            future.whenComplete((body, error) -> {
                decoded.frame().release();
                Object result;
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof CloseConnectionException close) {
                    result = new Close(close.getMessage());
                } else if (error != null) {
                    log.warn("{} v{} from client {} at {} failed: {}", header.apiKey(), header.apiVersion(),
                            header.clientId(), context.peer(), cause.toString());
                    result = new Response(header, header.apiVersion(),
                            header.apiKey().responseHeaderVersion(header.apiVersion()),
                            decoded.request().getErrorResponse(0, cause).data());
                } else if (body == null) {
                    result = NO_RESPONSE;
                } else {
                    short headerVersion = header.apiKey() == ApiKeys.API_VERSIONS ? 0
                            : header.apiKey().responseHeaderVersion(header.apiVersion());
                    result = new Response(header, header.apiVersion(), headerVersion, body);
                }
                ctx.channel().eventLoop().execute(() -> complete(ctx, sequence, result));
            });
        });
    }

    private record Response(RequestHeader header, short version, short headerVersion, ApiMessage body) {
    }

    private void complete(ChannelHandlerContext ctx, long sequence, Object result) {
        if (closed) {
            discard(ctx, result);
            return;
        }
        completed.put(sequence, result);
        boolean wrote = false;
        Object next;
        while ((next = completed.remove(nextToWrite)) != null) {
            nextToWrite++;
            inFlight--;
            serverInFlight.decrementAndGet();
            if (next instanceof Response response) {
                wrote |= write(ctx, response);
            } else if (next instanceof Close close) {
                log.info("Closing connection from {}: {}", ctx.channel().remoteAddress(), close.reason());
                ctx.flush();
                ctx.close();
                return;
            }
        }
        if (wrote) {
            ctx.flush();
        }
        updateAutoRead(ctx.channel());
    }

    private boolean write(ChannelHandlerContext ctx, Response response) {
        List<Object> parts;
        try {
            parts = ResponseWriter.encode(ctx.alloc(), response.header().correlationId(), response.headerVersion(),
                    response.body(), response.version());
        } catch (RuntimeException e) {
            log.error("Could not encode the {} response for {}; closing the connection", response.header().apiKey(),
                    ctx.channel().remoteAddress(), e);
            ctx.close();
            return false;
        }
        if (!ctx.channel().isActive()) {
            parts.forEach(ReferenceCountUtil::safeRelease);
            return false;
        }
        for (Object part : parts) {
            ctx.write(part, ctx.voidPromise());
        }
        return true;
    }

    /** Encodes and drops a response that can no longer be sent, so file records are released. */
    private static void discard(ChannelHandlerContext ctx, Object result) {
        if (result instanceof Response response) {
            try {
                ResponseWriter.encode(ctx.alloc(), 0, response.headerVersion(), response.body(), response.version())
                        .forEach(ReferenceCountUtil::safeRelease);
            } catch (RuntimeException e) {
                log.debug("Dropping an unsendable response", e);
            }
        }
    }

    private void updateAutoRead(Channel channel) {
        boolean pause = inFlight >= maxInFlight || !channel.isWritable();
        if (pause != readPaused) {
            readPaused = pause;
            channel.config().setAutoRead(!pause);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead(ctx.channel());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            log.info("Closing idle connection from {} (connections.max.idle.ms)", ctx.channel().remoteAddress());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        serverInFlight.addAndGet(-inFlight);
        inFlight = 0;
        completed.values().forEach(result -> discard(ctx, result));
        completed.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("Closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
