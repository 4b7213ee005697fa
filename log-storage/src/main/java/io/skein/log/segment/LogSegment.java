package io.skein.log.segment;

import io.skein.log.index.OffsetIndex;
import io.skein.log.index.TimeIndex;
import io.skein.log.index.TransactionIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One segment of a partition log: the {@code .log} file named by its base offset as 20 zero-padded
 * digits, holding whole magic v2 record batches back to back exactly as producers sent them
 * (layout in {@link BatchHeader}), its sparse {@link OffsetIndex}, its {@link TimeIndex} and its
 * {@link TransactionIndex} (the aborted transactions whose ABORT markers it holds; kept as on disk
 * when the segment is opened, since only a producer-state replay can rebuild it). No header, no
 * version: the format is Kafka's.
 *
 * <p>Crash behaviour: batches are written with positional writes and the published size moves
 * only after a write completed, so readers never see a partial batch. After a crash the tail may
 * hold a torn or corrupt batch; {@link #recover} walks the batch headers (and with
 * {@code checkCrc} every batch's CRC) and truncates from the first bad one. A segment is forced to
 * disk soon after it rolls (then the recovery point moves past it), so rolled segments below the
 * recovery point are trusted.
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

    public static final String LOG_SUFFIX = SegmentFiles.LOG_SUFFIX;
    public static final String INDEX_SUFFIX = SegmentFiles.INDEX_SUFFIX;
    public static final String TIME_INDEX_SUFFIX = SegmentFiles.TIME_INDEX_SUFFIX;
    public static final String TXN_INDEX_SUFFIX = SegmentFiles.TXN_INDEX_SUFFIX;

    private final long baseOffset;
    private final Path dir;
    private final FileChannel channel;
    private final OffsetIndex index;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    private final int indexIntervalBytes;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile int size;
    private volatile long lastOffset;
    private volatile TimestampMark timestampMark;
    private volatile boolean dirty;
    private volatile Path logFile;
    private int bytesSinceIndexEntry;
    private long createdMs;

    private LogSegment(long baseOffset, Path dir, FileChannel channel, OffsetIndex index, TimeIndex timeIndex,
                       TransactionIndex txnIndex, int indexIntervalBytes) {
        this.txnIndex = txnIndex;
        this.baseOffset = baseOffset;
        this.dir = dir;
        this.logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        this.channel = channel;
        this.index = index;
        this.timeIndex = timeIndex;
        this.indexIntervalBytes = indexIntervalBytes;
        this.lastOffset = baseOffset - 1;
    }

    public static String fileName(long baseOffset, String suffix) {
        return SegmentFiles.fileName(baseOffset, suffix);
    }

    /** Creates a new, empty active segment (its indexes preallocated to {@code maxIndexBytes}). */
    public static LogSegment create(Path dir, long baseOffset, int maxIndexBytes, int indexIntervalBytes, long nowMs)
            throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(fileName(baseOffset, LOG_SUFFIX)), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        LogSegment segment = new LogSegment(baseOffset, dir, channel,
                OffsetIndex.createEmpty(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)), baseOffset, maxIndexBytes),
                TimeIndex.createEmpty(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)), baseOffset, maxIndexBytes),
                TransactionIndex.createEmpty(dir.resolve(fileName(baseOffset, TXN_INDEX_SUFFIX))), indexIntervalBytes);
        segment.timestampMark = TimestampMark.NONE;
        segment.createdMs = nowMs;
        return segment;
    }

    /**
     * Opens an existing segment. With {@code freshIndexes} (the active segment, or one whose
     * indexes are lost or being recovered) both indexes start empty and preallocated, to be rebuilt
     * by {@link #recover} with {@code fullScan}; otherwise they are kept as on disk after a sanity
     * check of their entries (see {@link #indexesAgreeWithLog}).
     */
    public static LogSegment open(Path dir, long baseOffset, int maxIndexBytes, int indexIntervalBytes,
                                  boolean freshIndexes, long nowMs) throws IOException {
        Path logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        FileChannel channel = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Path indexFile = dir.resolve(fileName(baseOffset, INDEX_SUFFIX));
        Path timeIndexFile = dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX));
        OffsetIndex index = freshIndexes ? OffsetIndex.createEmpty(indexFile, baseOffset, maxIndexBytes)
                : OffsetIndex.openExisting(indexFile, baseOffset, channel.size());
        TimeIndex timeIndex = freshIndexes ? TimeIndex.createEmpty(timeIndexFile, baseOffset, maxIndexBytes)
                : TimeIndex.openExisting(timeIndexFile, baseOffset);
        // the aborted-transaction index is kept as on disk: only a replay of producer state can rebuild it
        TransactionIndex txnIndex = TransactionIndex.open(dir.resolve(fileName(baseOffset, TXN_INDEX_SUFFIX)));
        LogSegment segment = new LogSegment(baseOffset, dir, channel, index, timeIndex, txnIndex, indexIntervalBytes);
        segment.size = (int) Math.min(channel.size(), Integer.MAX_VALUE);
        segment.createdMs = nowMs;
        return segment;
    }

    /**
     * Walks the batch headers from the last index entry (from the start, rebuilding both indexes
     * and the timestamp mark, when {@code fullScan}), establishing the last offset and truncating
     * from the first bad batch: one whose size is below the header size, whose length points past
     * the end of the file, or whose magic is not 2; with {@code checkCrc} also one whose CRC does
     * not match or whose offsets do not increase.
     *
     * @param visitor told about every batch walked (producer state rebuild), may be null
     * @return the number of bytes truncated
     */
    public long recover(boolean fullScan, boolean checkCrc, BatchVisitor visitor) throws IOException {
        if (fullScan) {
            index.clear();
            timeIndex.clear();
            timestampMark = TimestampMark.NONE;
        }
        int pos = fullScan ? 0 : index.lastPosition();
        long fileSize = channel.size();
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        bytesSinceIndexEntry = 0;
        boolean first = true;
        while (pos + (long) BatchHeader.SIZE <= fileSize) {
            readHeader(header, pos);
            int total = BatchHeader.totalSize(header, 0);
            if (total < BatchHeader.SIZE || pos + (long) total > fileSize || header.get(BatchHeader.MAGIC) != 2) {
                break;
            }
            long batchBase = BatchHeader.baseOffset(header, 0);
            if (checkCrc && (batchBase <= lastOffset || batchBase < baseOffset || !BatchHeader.crcValid(channel, pos, total))) {
                break;
            }
            if (fullScan) {
                long ts = BatchHeader.maxTimestamp(header, 0);
                if (ts > timestampMark.timestamp()) {
                    timestampMark = new TimestampMark(ts, batchBase, pos);
                }
                if (first && ts >= 0) {
                    createdMs = Math.min(createdMs, ts); // segment.ms counts from the first batch, as in Kafka
                }
                maybeIndex(batchBase, pos, total);
            }
            first = false;
            lastOffset = BatchHeader.lastOffset(header, 0);
            if (visitor != null) {
                visitor.visit(header, pos);
            }
            pos += total;
        }
        long truncated = fileSize - pos;
        if (truncated > 0) {
            channel.truncate(pos);
        }
        if (truncated > 0 || checkCrc) {
            channel.force(true); // what was recovered is on disk before the recovery point moves past it
        }
        size = pos;
        return truncated;
    }

    /**
     * For a rolled segment opened with its indexes as on disk, after {@code recover(false, ...)}:
     * whether both indexes look right, i.e. no garbage after their valid entries, an entry in each
     * when the segment holds data, the last offset entry pointing at a batch starting with that
     * offset, and the time index not pointing past the log. False means: rebuild them.
     */
    public boolean indexesAgreeWithLog() throws IOException {
        if (size == 0) {
            return true;
        }
        if (index.hasTrailingBytes() || timeIndex.hasTrailingBytes() || index.entries() == 0
                || timeIndex.entries() == 0 || timeIndex.lastOffset() > lastOffset) {
            return false;
        }
        int pos = index.lastPosition();
        if (pos + BatchHeader.SIZE > size) {
            return false;
        }
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        readHeader(header, pos);
        return BatchHeader.baseOffset(header, 0) == index.lastOffset();
    }

    /** Told about each batch header (61 bytes at position 0 of the buffer) while a segment is walked. */
    @FunctionalInterface
    public interface BatchVisitor {
        void visit(ByteBuffer header, int position);
    }

    /** Adds an offset-index entry (and a time-index entry if the largest timestamp grew) every interval. */
    private void maybeIndex(long batchBaseOffset, int position, int batchSize) {
        if ((index.entries() == 0 || bytesSinceIndexEntry > indexIntervalBytes) && !index.isFull()) {
            index.append(batchBaseOffset, position);
            TimestampMark mark = timestampMark;
            timeIndex.maybeAppend(mark.timestamp(), mark.batchBaseOffset());
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
        if (appendMark.timestamp() > timestampMark.timestamp()) {
            timestampMark = new TimestampMark(appendMark.timestamp(), appendMark.batchBaseOffset(),
                    position + appendMark.batchPosition());
        }
        for (int i = 0; i < batchCount; i++) {
            int end = i + 1 < batchCount ? batchStarts[i + 1] : length;
            maybeIndex(batchBaseOffsets[i], position + batchStarts[i], end - batchStarts[i]);
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

    /**
     * Where to start walking batches for the first one with a timestamp at or after
     * {@code timestamp}: through the time index to an offset, then the offset index to a position.
     * Every batch before the returned position has a smaller timestamp.
     */
    public int timestampSearchStart(long timestamp) {
        return index.lookup(timeIndex.lookup(timestamp));
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
     * The largest batch timestamp in the segment (-1 if none), without I/O: the in-memory mark of
     * an active or recovered segment, otherwise the last entry of the time index.
     */
    public long largestTimestamp() {
        TimestampMark mark = timestampMark;
        return mark != null ? mark.timestamp() : timeIndex.lastTimestamp();
    }

    /**
     * The timestamp mark with the position of its batch, found the first time it is asked of a
     * segment loaded from disk by walking headers from the time index's last entry. Safe on reader
     * threads: a rolled segment does not change, so concurrent computations agree.
     */
    public TimestampMark timestampMark() throws IOException {
        TimestampMark mark = timestampMark;
        if (mark != null) {
            return mark;
        }
        int end = size;
        long indexed = timeIndex.entries() > 0 ? timeIndex.lastOffset() : -1;
        mark = walkForMark(indexed >= 0 ? index.lookup(indexed) : 0, end);
        if (indexed >= 0 && mark.timestamp() < timeIndex.lastTimestamp()) {
            mark = walkForMark(0, end); // not expected: the index disagrees with the log; trust the log
        }
        timestampMark = mark;
        return mark;
    }

    private TimestampMark walkForMark(int start, int end) throws IOException {
        TimestampMark mark = TimestampMark.NONE;
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        for (int pos = start; pos + BatchHeader.SIZE <= end; pos += BatchHeader.totalSize(header, 0)) {
            readHeader(header, pos);
            long ts = BatchHeader.maxTimestamp(header, 0);
            if (ts > mark.timestamp()) {
                mark = new TimestampMark(ts, BatchHeader.baseOffset(header, 0), pos);
            }
        }
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

    /** Trims the indexes and drops the owner's reference: the file closes once no reader holds it. */
    public void closeWhenUnused() throws IOException {
        try {
            index.trim();
            timeIndex.trim();
            txnIndex.close();
        } finally {
            release();
        }
    }

    /**
     * The segment stops being active: the time index gets a last entry with the largest timestamp
     * and both indexes are trimmed to their entries. The log itself is forced later, off the
     * append path ({@link #flush}).
     */
    public void onRoll() throws IOException {
        TimestampMark mark = timestampMark;
        if (mark != null) {
            timeIndex.maybeAppend(mark.timestamp(), mark.batchBaseOffset());
        }
        index.trim();
        timeIndex.trim();
    }

    /** Forces the log and indexes to disk if anything was appended since the last flush. */
    public void flush() throws IOException {
        if (dirty) {
            dirty = false;
            channel.force(true);
            index.flush();
            timeIndex.flush();
            txnIndex.flush();
        }
    }

    /** The segment's aborted-transaction index (entries for the ABORT markers in this segment). */
    public TransactionIndex txnIndex() {
        return txnIndex;
    }

    /** Whether the offset index may be full: the segment must roll. */
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

    /** When the segment was created (or, when loaded, its first batch's timestamp): {@code segment.ms} counts from here. */
    public long createdMs() {
        return createdMs;
    }

    public FileChannel channel() {
        return channel;
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * Renames the segment's files to {@code *.deleted} (call after {@link #closeWhenUnused}); open
     * channels of readers still finishing a send keep working. Returns the renamed files.
     */
    public List<Path> renameForDeletion() throws IOException {
        List<Path> renamed = SegmentFiles.renameForDeletion(dir, baseOffset);
        logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX + SegmentFiles.DELETED_SUFFIX));
        return renamed;
    }

    /** Deletes the files; call only after {@link #closeWhenUnused}. */
    public void deleteFiles() throws IOException {
        SegmentFiles.delete(dir, baseOffset);
    }
}
