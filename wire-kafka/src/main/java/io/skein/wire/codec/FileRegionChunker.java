package io.skein.wire.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.stream.ChunkedInput;
import io.skein.wire.api.FileRegionRecords;
import java.io.IOException;

/**
 * On TLS connections, turns record bytes that would go out with {@code sendfile} into a chunked
 * input: {@link io.netty.handler.stream.ChunkedWriteHandler} then copies 64 KiB at a time from the
 * segment file into buffers for the TLS engine, only as fast as the socket takes them, so memory
 * per connection stays bounded.
 *
 * <p>Threading: the channel's event loop.
 */
public final class FileRegionChunker extends ChannelOutboundHandlerAdapter {

    static final int CHUNK_BYTES = 64 * 1024;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof FileRecordsRegion region) {
            ctx.write(new SegmentChunks(region), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /**
     * Reads a file region positionally (the segment's channel is shared) and releases the region,
     * and with it the segment reference, exactly once when done or dropped.
     */
    static final class SegmentChunks implements ChunkedInput<ByteBuf> {

        private final FileRecordsRegion region;
        private final FileRegionRecords records;
        private long sent;
        private boolean closed;

        SegmentChunks(FileRecordsRegion region) {
            this.region = region;
            this.records = region.records();
        }

        @Override
        public boolean isEndOfInput() {
            return sent >= records.sizeInBytes();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                region.release();
            }
        }

        @Override
        @Deprecated
        public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
            return readChunk(ctx.alloc());
        }

        @Override
        public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
            if (isEndOfInput()) {
                return null;
            }
            int length = (int) Math.min(CHUNK_BYTES, records.sizeInBytes() - sent);
            ByteBuf chunk = allocator.buffer(length);
            try {
                long position = records.position() + sent;
                int read = 0;
                while (read < length) {
                    int n = chunk.writeBytes(records.channel(), position + read, length - read);
                    if (n < 0) {
                        throw new IOException("segment file ended " + (length - read) + " bytes early");
                    }
                    read += n;
                }
                sent += length;
                return chunk;
            } catch (IOException | RuntimeException e) {
                chunk.release();
                throw e;
            }
        }

        @Override
        public long length() {
            return records.sizeInBytes();
        }

        @Override
        public long progress() {
            return sent;
        }
    }
}
