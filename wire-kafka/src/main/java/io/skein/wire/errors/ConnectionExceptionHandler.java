package io.skein.wire.errors;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every pipeline: an exception that reached it ends the connection, with one
 * log line. Socket errors (reset by peer, broken pipe) are expected: INFO, no stack trace. A write
 * to an already closed channel is not news: DEBUG. Anything else is a bug: WARN with the trace.
 *
 * <p>Stateless and {@link ChannelHandler.Sharable}, but created per connection all the same.
 */
@ChannelHandler.Sharable
public final class ConnectionExceptionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionExceptionHandler.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Object peer = ctx.channel().remoteAddress();
        if (cause instanceof ClosedChannelException) {
            log.debug("Write to closed connection from {}", peer);
        } else if (cause instanceof IOException) {
            log.info("Closing connection from {}: {}", peer, cause.toString());
        } else {
            log.warn("Closing connection from {} after an unexpected error", peer, cause);
        }
        ctx.close();
    }
}
