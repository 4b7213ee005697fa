package io.skein.log.compaction;

import io.skein.log.segment.BatchHeader;
import io.skein.log.segment.LogSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Reads a rolled segment front to back in chunks of whole batches (a chunk holds as many whole
 * batches as fit in the buffer; the buffer grows for a batch larger than it), for the cleaner's
 * two passes. Reads positionally on the segment's shared channel; the caller holds a reference
 * on the segment.
 *
 * <p>Threading: owned by one cleaner thread; the buffer is reused between chunks.
 */
final class BatchChunks {

    private final IoThrottler throttler;
    private final java.util.function.BooleanSupplier stopping;
    private ByteBuffer buffer;

    BatchChunks(int bufferBytes, IoThrottler throttler, java.util.function.BooleanSupplier stopping) {
        this.buffer = ByteBuffer.allocate(bufferBytes);
        this.throttler = throttler;
        this.stopping = stopping;
    }

    /** Told about each chunk; the records are valid only during the call. */
    @FunctionalInterface
    interface ChunkConsumer {
        void accept(MemoryRecords chunk) throws IOException;
    }

    /** Walks every batch of the segment; returns the bytes read. */
    long forEachChunk(LogSegment segment, ChunkConsumer consumer) throws IOException {
        int size = segment.size();
        int pos = 0;
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        while (pos + BatchHeader.SIZE <= size) {
            if (stopping.getAsBoolean()) {
                throw new Cleaner.LogChangedException("the cleaner is stopping");
            }
            segment.readHeader(header, pos);
            int first = BatchHeader.totalSize(header, 0);
            if (first > buffer.capacity()) {
                buffer = ByteBuffer.allocate(first);
            }
            int length = Math.min(buffer.capacity(), size - pos);
            buffer.clear().limit(length);
            segment.readFully(buffer, pos);
            int whole = wholeBatches(buffer);
            if (whole == 0) {
                throw new IOException("segment " + segment.logFile() + " ends inside the batch at " + pos);
            }
            buffer.limit(whole);
            throttler.acquire(whole);
            consumer.accept(MemoryRecords.readableRecords(buffer.slice()));
            pos += whole;
        }
        return pos;
    }

    /** Bytes of the whole batches at the start of the buffer (at least the first one). */
    private static int wholeBatches(ByteBuffer chunk) {
        int pos = 0;
        while (pos + BatchHeader.SIZE <= chunk.limit()) {
            int total = BatchHeader.totalSize(chunk, pos);
            if (pos + total > chunk.limit()) {
                break;
            }
            pos += total;
        }
        return pos;
    }
}
