package io.skein.wire.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the byte stream into Kafka frames: a 4-byte big-endian size, then that many bytes. A
 * negative size or one above {@code socket.request.max.bytes} closes the connection as soon as the
 * size is read, with one log line naming the peer; so does a peer that disconnects mid-frame
 * (logged as a truncated frame). Emits each frame body as a retained slice.
 *
 * <p>Threading: runs on the channel's event loop only.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);

    private final int maxFrameBytes;
    private boolean failed;

    public FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= 4) {
            int size = in.getInt(in.readerIndex());
            if (size < 0 || size > maxFrameBytes) {
                failed = true;
                in.skipBytes(in.readableBytes());
                log.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), size < 0
                        ? "negative frame size " + size
                        : "frame of " + size + " bytes exceeds socket.request.max.bytes=" + maxFrameBytes);
                ctx.close();
                return;
            }
            if (in.readableBytes() < 4 + size) {
                return;
            }
            in.skipBytes(4);
            out.add(in.readRetainedSlice(size));
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        int left = in.readableBytes();
        if (left > 0 && !failed) {
            String missing = left >= 4 ? (in.getInt(in.readerIndex()) + 4 - left) + " bytes of a "
                    + in.getInt(in.readerIndex()) + "-byte frame were missing" : "only " + left + " bytes of a frame size arrived";
            log.info("Connection from {} closed mid-frame (truncated frame): {}", ctx.channel().remoteAddress(), missing);
            in.skipBytes(left);
        }
    }
}
