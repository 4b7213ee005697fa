package io.skein.log.segment;

import io.skein.log.index.OffsetIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One segment of a partition log: the {@code .log} file named by its base offset as 20 zero-padded
 * digits, holding whole magic v2 record batches back to back exactly as producers sent them
 * (layout in {@link BatchHeader}), and its sparse {@link OffsetIndex}. No header, no version: the
 * format is Kafka's.
 *
 * <p>Crash behaviour: batches are written with positional writes and the published size moves
 * only after a write completed, so readers never see a partial batch. After a crash the tail may
 * hold a torn batch; {@link #recover} walks the batch headers and truncates it. (Batch CRCs are
 * not checked on load yet: that is the loader's next step.)
 *
 * <p>Threading: the partition's single writer calls {@link #append}, {@link #recover},
 * {@link #onRoll} and {@link #flush}. Readers on any thread use positional reads on the shared
 * channel, {@link #size()} and the timestamp mark (volatile, replaced whole so a reader never
 * sees a timestamp with another batch's offset). A reference count keeps the files open while
 * fetch responses still send from them: the owner holds one reference and drops it with
 * {@link #closeWhenUnused}; the channel closes when the last reader {@link #release}s.
 */
public final class LogSegment {

    /** The largest batch timestamp in the segment, and where the batch holding it starts. */
    public record TimestampMark(long timestamp, long batchBaseOffset, int batchPosition) {
        static final TimestampMark NONE = new TimestampMark(-1, -1, -1);
    }

    private final long baseOffset;
    private final Path logFile;
    private final FileChannel channel;
    private final OffsetIndex index;
    private final int indexIntervalBytes;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile int size;
    private volatile long lastOffset;
    private volatile TimestampMark timestampMark;
    private volatile boolean dirty;
    private int bytesSinceIndexEntry;

    private LogSegment(long baseOffset, Path logFile, FileChannel channel, OffsetIndex index, int indexIntervalBytes) {
        this.baseOffset = baseOffset;
        this.logFile = logFile;
        this.channel = channel;
        this.index = index;
        this.indexIntervalBytes = indexIntervalBytes;
        this.lastOffset = baseOffset - 1;
    }

    public static String fileName(long baseOffset, String suffix) {
        return String.format("%020d%s", baseOffset, suffix);
    }

    /** Creates a new, empty active segment (its index preallocated to {@code maxIndexBytes}). */
    public static LogSegment create(Path dir, long baseOffset, int maxIndexBytes, int indexIntervalBytes)
            throws IOException {
        Path logFile = dir.resolve(fileName(baseOffset, ".log"));
        FileChannel channel = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        OffsetIndex index = OffsetIndex.createEmpty(dir.resolve(fileName(baseOffset, ".index")), baseOffset,
                maxIndexBytes);
        LogSegment segment = new LogSegment(baseOffset, logFile, channel, index, indexIntervalBytes);
        segment.timestampMark = TimestampMark.NONE;
        return segment;
    }

    /**
     * Opens an existing segment. The active one gets a fresh preallocated index (rebuilt by
     * {@link #recover}); a rolled one keeps its index as on disk, sanity-checked against the file.
     */
    public static LogSegment open(Path dir, long baseOffset, int maxIndexBytes, int indexIntervalBytes, boolean active)
            throws IOException {
        Path logFile = dir.resolve(fileName(baseOffset, ".log"));
        FileChannel channel = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Path indexFile = dir.resolve(fileName(baseOffset, ".index"));
        OffsetIndex index = active ? OffsetIndex.createEmpty(indexFile, baseOffset, maxIndexBytes)
                : OffsetIndex.openExisting(indexFile, baseOffset, channel.size());
        LogSegment segment = new LogSegment(baseOffset, logFile, channel, index, indexIntervalBytes);
        segment.size = (int) Math.min(channel.size(), Integer.MAX_VALUE);
        return segment;
    }

    /**
     * Walks the batch headers from the last index entry (from the start, rebuilding the index and
     * the timestamp mark, when {@code fullScan}), establishing the last offset and truncating a torn
     * tail: a batch whose size is below the header size, whose length points past the end of the
     * file, or whose magic is not 2.
     *
     * @param visitor told about every batch walked (producer state rebuild), may be null
     * @return the number of bytes truncated
     */
    public long recover(boolean fullScan, BatchVisitor visitor) throws IOException {
        return recover(fullScan, false, visitor);
    }

    /**
     * As {@link #recover(boolean, BatchVisitor)}; with {@code checkCrc} every batch is also read
     * whole and its CRC checked, and offsets must increase: the first batch that fails ends the
     * segment (after an unclean shutdown, where a torn or corrupt write may hide mid-file).
     */
    public long recover(boolean fullScan, boolean checkCrc, BatchVisitor visitor) throws IOException {
        if (fullScan) {
            index.clear();
            timestampMark = TimestampMark.NONE;
        }
        int pos = fullScan ? 0 : index.lastPosition();
        long fileSize = channel.size();
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        bytesSinceIndexEntry = 0;
        TimestampMark mark = timestampMark;
        while (pos + (long) BatchHeader.SIZE <= fileSize) {
            readHeader(header, pos);
            int total = BatchHeader.totalSize(header, 0);
            if (total < BatchHeader.SIZE || pos + (long) total > fileSize || header.get(BatchHeader.MAGIC) != 2) {
                break;
            }
            long batchBase = BatchHeader.baseOffset(header, 0);
            if (checkCrc && (batchBase <= lastOffset || !crcValid(pos, total))) {
                break;
            }
            if (fullScan) {
                maybeIndex(batchBase, pos, total);
                long ts = BatchHeader.maxTimestamp(header, 0);
                if (ts > mark.timestamp()) {
                    mark = new TimestampMark(ts, batchBase, pos);
                }
            }
            lastOffset = BatchHeader.lastOffset(header, 0);
            if (visitor != null) {
                visitor.visit(header, pos);
            }
            pos += total;
        }
        if (fullScan) {
            timestampMark = mark;
        }
        long truncated = fileSize - pos;
        if (truncated > 0) {
            channel.truncate(pos);
            channel.force(true);
        }
        size = pos;
        return truncated;
    }

    /** Reads one whole batch and checks its CRC-32C. */
    private boolean crcValid(int position, int total) throws IOException {
        ByteBuffer batch = ByteBuffer.allocate(total);
        long pos = position;
        while (batch.hasRemaining()) {
            int n = channel.read(batch, pos);
            if (n < 0) {
                return false;
            }
            pos += n;
        }
        batch.flip();
        for (org.apache.kafka.common.record.internal.MutableRecordBatch b
                : org.apache.kafka.common.record.internal.MemoryRecords.readableRecords(batch).batches()) {
            return b.isValid();
        }
        return false;
    }

    /** Told about each batch header (61 bytes at position 0 of the buffer) while a segment is walked. */
    @FunctionalInterface
    public interface BatchVisitor {
        void visit(ByteBuffer header, int position);
    }

    private void maybeIndex(long batchBaseOffset, int position, int batchSize) {
        if ((index.entries() == 0 || bytesSinceIndexEntry > indexIntervalBytes) && !index.isFull()) {
            index.append(batchBaseOffset, position);
            bytesSinceIndexEntry = 0;
        }
        bytesSinceIndexEntry += batchSize;
    }

    /**
     * Appends whole, already validated and stamped batches with one positional write, then
     * publishes the new size. {@code batches} holds {@code batchCount} batches; their starts
     * relative to the buffer's position and their base offsets are given for the index. On an I/O
     * error the file is cut back to the published size, so no partial write survives.
     */
    public void append(ByteBuffer batches, long lastOffsetInAppend, TimestampMark appendMark,
                       int[] batchStarts, long[] batchBaseOffsets, int batchCount) throws IOException {
        int position = size;
        int length = batches.remaining();
        long writeAt = position;
        dirty = true;
        try {
            while (batches.hasRemaining()) {
                writeAt += channel.write(batches, writeAt);
            }
        } catch (IOException e) {
            channel.truncate(position);
            throw e;
        }
        for (int i = 0; i < batchCount; i++) {
            int end = i + 1 < batchCount ? batchStarts[i + 1] : length;
            maybeIndex(batchBaseOffsets[i], position + batchStarts[i], end - batchStarts[i]);
        }
        if (appendMark.timestamp() > timestampMark.timestamp()) {
            timestampMark = new TimestampMark(appendMark.timestamp(), appendMark.batchBaseOffset(),
                    position + appendMark.batchPosition());
        }
        lastOffset = lastOffsetInAppend;
        size = position + length; // publish only after the bytes are in the file
    }

    /**
     * The position of the first batch, at or after the index entry for {@code offset}, whose last
     * offset is at or above {@code offset}; -1 when no such batch starts before {@code maxPosition}.
     * Reads only headers, into {@code header} (at least {@link BatchHeader#SIZE} bytes).
     */
    public int positionOf(long offset, int maxPosition, ByteBuffer header) throws IOException {
        int pos = index.lookup(offset);
        while (pos + BatchHeader.SIZE <= maxPosition) {
            readHeader(header, pos);
            if (BatchHeader.lastOffset(header, 0) >= offset) {
                return pos;
            }
            pos += BatchHeader.totalSize(header, 0);
        }
        return -1;
    }

    /** Reads the header of the batch at {@code position} into {@code header} (flipped, at position 0). */
    public void readHeader(ByteBuffer header, long position) throws IOException {
        header.clear().limit(BatchHeader.SIZE);
        readFully(header, position);
    }

    /** Reads bytes at an absolute position until the buffer is full, then flips it. */
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

    /**
     * The timestamp mark, computing it by walking the headers the first time it is asked of a
     * segment loaded from disk (a time index will make this cheap). Safe on reader threads: a
     * rolled segment does not change, so concurrent computations agree.
     */
    public TimestampMark timestampMark() throws IOException {
        TimestampMark mark = timestampMark;
        if (mark != null) {
            return mark;
        }
        mark = TimestampMark.NONE;
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        int end = size;
        for (int pos = 0; pos + BatchHeader.SIZE <= end; pos += BatchHeader.totalSize(header, 0)) {
            readHeader(header, pos);
            long ts = BatchHeader.maxTimestamp(header, 0);
            if (ts > mark.timestamp()) {
                mark = new TimestampMark(ts, BatchHeader.baseOffset(header, 0), pos);
            }
        }
        timestampMark = mark;
        return mark;
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

    /** Drops a reference; the last one closes the file. */
    public void release() {
        if (refs.decrementAndGet() == 0) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing to do: the file is no longer used
            }
        }
    }

    /** Trims the index and drops the owner's reference: the file closes once no reader holds it. */
    public void closeWhenUnused() throws IOException {
        try {
            index.trim();
        } finally {
            release();
        }
    }

    /** The segment stops being active: its index is trimmed to its entries. */
    public void onRoll() throws IOException {
        index.trim();
    }

    /** Forces the log and index to disk if anything was appended since the last flush. */
    public void flush() throws IOException {
        if (dirty) {
            dirty = false;
            channel.force(true);
            index.flush();
        }
    }

    /** Entries in the offset index (0 for a rolled segment means its index was lost: rebuild it). */
    public int indexEntries() {
        return index.entries();
    }

    /** Whether a new offset index entry might not fit: the segment must roll. */
    public boolean indexFull() {
        return index.isFull();
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** The last offset in the segment, {@code baseOffset - 1} when empty. */
    public long lastOffset() {
        return lastOffset;
    }

    /** Bytes of complete batches in the file. */
    public int size() {
        return size;
    }

    public FileChannel channel() {
        return channel;
    }

    public Path logFile() {
        return logFile;
    }

    /** Deletes the files; call only after {@link #closeWhenUnused}. */
    public void deleteFiles() throws IOException {
        Files.deleteIfExists(logFile);
        Files.deleteIfExists(index.file());
    }
}
