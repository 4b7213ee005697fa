package io.skein.wire.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.SocketAddress;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the byte stream into Kafka frames: a 4-byte big-endian size, then that many bytes, and
 * emits each frame body as a retained slice of the accumulation buffer (no copy). A negative size
 * or one above {@code socket.request.max.bytes} closes the connection as soon as the four size
 * bytes are read, without waiting for the body, with one WARN line naming the peer. A peer that
 * disconnects mid-frame is logged once as a truncated frame.
 *
 * <p>Once a frame's size is known the accumulation buffer is grown once to hold it (up to
 * {@link #PRESIZE_LIMIT}), so a large produce request is not copied again and again while it
 * arrives. This is only done while nobody else holds a slice of the buffer: growing a buffer
 * moves its memory, and an earlier frame's NIO view may still be read by a handler thread.
 *
 * <p>Threading: owned by the channel's event loop; not shared between channels.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);
    private static final int SIZE_BYTES = 4;
    /** Frames up to this size get their accumulation buffer sized in one step. */
    static final int PRESIZE_LIMIT = 8 * 1024 * 1024;

    private final int maxFrameBytes;
    private final int unauthenticatedMaxFrameBytes;
    private final BooleanSupplier authenticated;
    private SocketAddress peer;
    private boolean rejected;

    public FrameDecoder(int maxFrameBytes) {
        this(maxFrameBytes, maxFrameBytes, () -> true);
    }

    /**
     * A decoder for a SASL listener: until {@code authenticated} says so, frames are limited to
     * {@code unauthenticatedMaxFrameBytes} ({@code sasl.server.max.receive.size}), as Kafka limits
     * what an unauthenticated peer can make it buffer.
     */
    public FrameDecoder(int maxFrameBytes, int unauthenticatedMaxFrameBytes, BooleanSupplier authenticated) {
        this.maxFrameBytes = maxFrameBytes;
        this.unauthenticatedMaxFrameBytes = Math.min(maxFrameBytes, unauthenticatedMaxFrameBytes);
        this.authenticated = authenticated;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (peer == null) {
            peer = ctx.channel().remoteAddress();
        }
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= SIZE_BYTES) {
            int size = in.getInt(in.readerIndex());
            boolean limitedBeforeAuthentication = unauthenticatedMaxFrameBytes < maxFrameBytes
                    && !authenticated.getAsBoolean();
            int limit = limitedBeforeAuthentication ? unauthenticatedMaxFrameBytes : maxFrameBytes;
            if (size < 0 || size > limit) {
                reject(ctx, in, size, limitedBeforeAuthentication);
                return;
            }
            int needed = SIZE_BYTES + size;
            if (in.readableBytes() < needed) {
                presize(in, needed);
                return;
            }
            in.skipBytes(SIZE_BYTES);
            out.add(in.readRetainedSlice(size));
        }
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in, int size, boolean beforeAuthentication) {
        rejected = true;
        in.skipBytes(in.readableBytes());
        log.warn("Closing connection from {}: {}", peer, size < 0
                ? "negative frame size " + size
                : beforeAuthentication
                ? "frame of " + size + " bytes before SASL authentication exceeds sasl.server.max.receive.size="
                        + unauthenticatedMaxFrameBytes
                : "frame of " + size + " bytes exceeds socket.request.max.bytes=" + maxFrameBytes);
        ctx.close();
    }

    private static void presize(ByteBuf in, int needed) {
        int missing = needed - in.readableBytes();
        if (needed <= PRESIZE_LIMIT && in.refCnt() == 1 && !in.isReadOnly() && missing <= in.maxWritableBytes()) {
            in.ensureWritable(missing);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        int left = in.readableBytes();
        if (left == 0 || rejected) {
            return;
        }
        if (left < SIZE_BYTES) {
            log.info("Connection from {} closed mid-frame (truncated frame): only {} of the 4 size bytes arrived",
                    peer, left);
        } else {
            int size = in.getInt(in.readerIndex());
            log.info("Connection from {} closed mid-frame (truncated frame): {} of {} frame bytes were missing",
                    peer, SIZE_BYTES + size - left, size);
        }
        in.skipBytes(left);
    }
}
