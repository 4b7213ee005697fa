package io.skein.log.read;

import io.skein.log.api.LogSlice;
import io.skein.log.segment.LogSegment;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A run of bytes in one segment handed to a fetch, holding one reference on the segment until
 * released.
 *
 * <p>Threading: created by a reader, then owned by whoever sends it; {@link #release} may come
 * from any thread and only the first call drops the reference (hence the atomic flag).
 */
final class SegmentSlice implements LogSlice {

    private final LogSegment segment;
    private final long position;
    private final int size;
    private final AtomicBoolean released = new AtomicBoolean();

    /** The caller has already taken the reference this slice will release. */
    SegmentSlice(LogSegment segment, long position, int size) {
        this.segment = segment;
        this.position = position;
        this.size = size;
    }

    @Override
    public FileChannel channel() {
        return segment.channel();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public int sizeInBytes() {
        return size;
    }

    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            segment.release();
        }
    }

    @Override
    public String toString() {
        return "SegmentSlice(" + segment.logFile().getFileName() + ", position=" + position + ", size=" + size + ")";
    }
}
