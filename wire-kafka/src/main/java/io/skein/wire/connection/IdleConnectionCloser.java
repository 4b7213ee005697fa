package io.skein.wire.connection;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that sent nothing for {@code connections.max.idle.ms} (the idle event of the
 * {@code IdleStateHandler} before it). A connection whose reading is paused by back-pressure is
 * not idle: it is waiting for its own responses.
 *
 * <p>Threading: the channel's event loop; stateless.
 */
public final class IdleConnectionCloser extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(IdleConnectionCloser.class);

    private final long maxIdleMs;

    public IdleConnectionCloser(long maxIdleMs) {
        this.maxIdleMs = maxIdleMs;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof IdleStateEvent)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (ctx.channel().config().isAutoRead()) {
            log.info("Closing connection from {}: idle for more than connections.max.idle.ms={}",
                    ctx.channel().remoteAddress(), maxIdleMs);
            ctx.close();
        }
    }
}
