package io.skein.log.segment;

import io.skein.log.index.OffsetIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One segment of a partition log: the {@code .log} file named by its 20-digit base offset, holding
 * whole magic v2 batches back to back, and its sparse {@link OffsetIndex}.
 *
 * <p>Crash behaviour: batches are appended with positional writes and the published size moves
 * only after a write completed, so readers never see a partial batch; after a crash the tail may
 * hold a torn batch, which the loader truncates.
 *
 * <p>Threading: the partition's single writer calls {@link #append}, {@link #truncateTo} and
 * {@link #onRoll}. Readers use positional reads on the shared channel and {@link #size()}
 * (volatile). A reference count keeps the channel open while fetch responses still send from it;
 * {@link #closeWhenUnused} closes it once the last reader released it.
 */
public final class LogSegment {

    private final long baseOffset;
    private final Path logFile;
    private final FileChannel channel;
    private final OffsetIndex index;
    private final int indexIntervalBytes;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile int size;
    private volatile long maxTimestamp = -1;
    private volatile long offsetOfMaxTimestamp = -1;
    private volatile long lastOffset;
    private int bytesSinceIndexEntry;

    private LogSegment(long baseOffset, Path logFile, FileChannel channel, OffsetIndex index, int size,
                       int indexIntervalBytes) {
        this.baseOffset = baseOffset;
        this.logFile = logFile;
        this.channel = channel;
        this.index = index;
        this.size = size;
        this.indexIntervalBytes = indexIntervalBytes;
        this.lastOffset = baseOffset - 1;
    }

    public static String fileName(long baseOffset, String suffix) {
        return String.format("%020d%s", baseOffset, suffix);
    }

    /**
     * Opens or creates the segment with the given base offset in {@code dir}.
     *
     * @param trustIndex whether the existing index may be used (older, cleanly rolled segments)
     */
    public static LogSegment open(Path dir, long baseOffset, int maxIndexBytes, int indexIntervalBytes,
                                  boolean trustIndex) throws IOException {
        Path logFile = dir.resolve(fileName(baseOffset, ".log"));
        FileChannel channel = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        OffsetIndex index = OffsetIndex.open(dir.resolve(fileName(baseOffset, ".index")), baseOffset, maxIndexBytes,
                trustIndex);
        return new LogSegment(baseOffset, logFile, channel, index, (int) channel.size(), indexIntervalBytes);
    }

    /**
     * Walks the batch headers from the last index entry (or from the start when the index was not
     * trusted, rebuilding it), establishing the last offset and max timestamp, and truncating a
     * torn tail.
     *
     * @param visitor told about every batch walked (producer state rebuild), may be null
     * @return bytes truncated from a torn tail
     */
    public int recover(boolean fullScan, BatchVisitor visitor) throws IOException {
        if (fullScan) {
            index.clear();
        }
        int pos = fullScan ? 0 : index.lookup(Long.MAX_VALUE);
        long fileSize = channel.size();
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        bytesSinceIndexEntry = 0;
        while (pos + BatchHeader.SIZE <= fileSize) {
            header.clear();
            readFully(header, pos);
            int total = BatchHeader.totalSize(header, 0);
            if (total < BatchHeader.SIZE || pos + (long) total > fileSize || header.get(BatchHeader.MAGIC) != 2) {
                break;
            }
            long batchBase = header.getLong(BatchHeader.BASE_OFFSET);
            long batchLast = BatchHeader.lastOffset(header, 0);
            if (fullScan && (index.entries() == 0 || bytesSinceIndexEntry > indexIntervalBytes) && !index.isFull()) {
                index.append(batchBase, pos);
                bytesSinceIndexEntry = 0;
            }
            bytesSinceIndexEntry += total;
            noteTimestamp(header.getLong(BatchHeader.MAX_TIMESTAMP), batchLast);
            lastOffset = batchLast;
            if (visitor != null) {
                visitor.visit(header, pos);
            }
            pos += total;
        }
        int truncated = (int) (fileSize - pos);
        if (truncated > 0) {
            channel.truncate(pos);
        }
        size = pos;
        return truncated;
    }

    /** Told about each batch header while a segment is walked. */
    @FunctionalInterface
    public interface BatchVisitor {
        void visit(ByteBuffer header, int position);
    }

    /**
     * Appends whole batches. {@code batchStarts} are the positions of the batches inside
     * {@code batches}, used for index entries.
     */
    public void append(ByteBuffer batches, long firstOffset, long lastOffset, long maxTimestampInAppend,
                       long offsetOfMaxTimestampInAppend, int[] batchStarts, long[] batchBaseOffsets, int batchCount)
            throws IOException {
        int position = size;
        int length = batches.remaining();
        long writeAt = position;
        while (batches.hasRemaining()) {
            writeAt += channel.write(batches, writeAt);
        }
        for (int i = 0; i < batchCount; i++) {
            int batchPos = position + batchStarts[i];
            if ((index.entries() == 0 || bytesSinceIndexEntry > indexIntervalBytes) && !index.isFull()) {
                index.append(batchBaseOffsets[i], batchPos);
                bytesSinceIndexEntry = 0;
            }
            int next = i + 1 < batchCount ? batchStarts[i + 1] : length;
            bytesSinceIndexEntry += next - batchStarts[i];
        }
        noteTimestamp(maxTimestampInAppend, offsetOfMaxTimestampInAppend);
        this.lastOffset = lastOffset;
        size = position + length; // publish after the bytes are written
    }

    private void noteTimestamp(long timestamp, long offset) {
        if (timestamp > maxTimestamp) {
            maxTimestamp = timestamp;
            offsetOfMaxTimestamp = offset;
        }
    }

    /**
     * The position of the batch containing {@code offset}, scanning headers from the index entry
     * at or before it, bounded by {@code maxPosition}; -1 when no batch at or after the offset
     * starts before maxPosition.
     */
    public int positionOf(long offset, int maxPosition, ByteBuffer header) throws IOException {
        int pos = index.lookup(offset);
        while (pos + BatchHeader.SIZE <= maxPosition) {
            header.clear().limit(BatchHeader.SIZE);
            readFully(header, pos);
            if (BatchHeader.lastOffset(header, 0) >= offset) {
                return pos;
            }
            pos += BatchHeader.totalSize(header, 0);
        }
        return -1;
    }

    /** Size of the batch starting at {@code pos}. */
    public int batchSizeAt(int pos, ByteBuffer header) throws IOException {
        header.clear().limit(BatchHeader.LOG_OVERHEAD);
        readFully(header, pos);
        return BatchHeader.totalSize(header, 0);
    }

    /** Reads bytes at an absolute position until the buffer is full. */
    public void readFully(ByteBuffer buffer, long position) throws IOException {
        long pos = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, pos);
            if (n < 0) {
                throw new IOException("unexpected end of " + logFile + " at " + pos);
            }
            pos += n;
        }
        buffer.flip();
    }

    /** Takes a reader reference; false when the segment is already closed. */
    public boolean retain() {
        while (true) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    public void release() {
        if (refs.decrementAndGet() == 0) {
            closeChannel();
        }
    }

    /** Drops the owner's reference: the files close once no reader holds the segment. */
    public void closeWhenUnused() {
        try {
            index.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        release();
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The segment stops being active: trim its index and force it to disk. */
    public void onRoll() throws IOException {
        channel.force(true);
        index.trim();
    }

    public void flush() throws IOException {
        channel.force(true);
        index.flush();
    }

    public boolean indexFull() {
        return index.isFull();
    }

    public long baseOffset() {
        return baseOffset;
    }

    public long lastOffset() {
        return lastOffset;
    }

    public int size() {
        return size;
    }

    public FileChannel channel() {
        return channel;
    }

    public long maxTimestamp() {
        return maxTimestamp;
    }

    public long offsetOfMaxTimestamp() {
        return offsetOfMaxTimestamp;
    }

    public Path logFile() {
        return logFile;
    }

    public void deleteFiles() throws IOException {
        Files.deleteIfExists(logFile);
        Files.deleteIfExists(index.file());
    }
}
