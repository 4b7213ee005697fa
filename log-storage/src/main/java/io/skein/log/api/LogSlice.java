package io.skein.log.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A run of whole record batches inside one segment file, to be sent with
 * {@code FileChannel.transferTo} without copying the bytes into the heap.
 *
 * <p>A non-empty slice holds a reference on its segment so the file stays open until
 * {@link #release()} is called exactly once (after the bytes were sent or the send was dropped).
 * The channel must only be read positionally; it is shared.
 */
public interface LogSlice {

    LogSlice EMPTY = new LogSlice() {
        @Override public FileChannel channel() { return null; }
        @Override public long position() { return 0; }
        @Override public int sizeInBytes() { return 0; }
        @Override public void release() { }
    };

    /** The segment's file, or null for an empty slice. */
    FileChannel channel();

    /** Byte position of the first batch in {@link #channel()}. */
    long position();

    int sizeInBytes();

    /** Drops this slice's reference on its segment. Idempotent. */
    void release();

    /** Copies the bytes into a new heap buffer; for tests and non-zero-copy paths. */
    default ByteBuffer readFully() {
        ByteBuffer buffer = ByteBuffer.allocate(sizeInBytes());
        try {
            long pos = position();
            while (buffer.hasRemaining()) {
                int n = channel().read(buffer, pos);
                if (n < 0) {
                    throw new IOException("segment file ended early");
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.flip();
    }
}
