package io.skein.log.compaction;

import io.skein.log.index.OffsetIndex;
import io.skein.log.index.AbortedTxn;
import io.skein.log.index.TimeIndex;
import io.skein.log.index.TransactionIndex;
import io.skein.log.segment.BatchHeader;
import io.skein.log.segment.LogSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes one cleaned segment as {@code <base>.log.cleaned}, {@code <base>.index.cleaned},
 * {@code <base>.timeindex.cleaned} and {@code <base>.txnindex.cleaned} (the aborted transactions
 * whose markers it keeps, possibly none): the retained batches back to back (same format as any
 * segment), a sparse offset index entry every {@code index.interval.bytes} and a time index entry
 * with the largest timestamp so far at each, the last one added at {@link #finish}. The files
 * are forced to disk and the indexes trimmed before {@link #finish} returns, so a {@code .swap}
 * made from them is complete. A crash before that leaves {@code .cleaned} files, which the loader
 * deletes.
 *
 * <p>Threading: owned by one cleaner thread.
 */
final class CleanedSegmentWriter implements AutoCloseable {

    static final String CLEANED_SUFFIX = ".cleaned";

    private final Path dir;
    private final long baseOffset;
    private final FileChannel channel;
    private final OffsetIndex index;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    private final int indexIntervalBytes;
    private int size;
    private int bytesSinceIndexEntry;
    private long maxTimestamp = -1;
    private long maxTimestampOffset = -1;
    private boolean finished;

    CleanedSegmentWriter(Path dir, long baseOffset, int maxIndexBytes, int indexIntervalBytes) throws IOException {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.indexIntervalBytes = indexIntervalBytes;
        this.channel = FileChannel.open(file(dir, baseOffset, LogSegment.LOG_SUFFIX), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        this.index = OffsetIndex.createEmpty(file(dir, baseOffset, LogSegment.INDEX_SUFFIX), baseOffset,
                maxIndexBytes);
        this.timeIndex = TimeIndex.createEmpty(file(dir, baseOffset, LogSegment.TIME_INDEX_SUFFIX), baseOffset,
                maxIndexBytes);
        this.txnIndex = TransactionIndex.createEmpty(file(dir, baseOffset, LogSegment.TXN_INDEX_SUFFIX));
    }

    static Path file(Path dir, long baseOffset, String suffix) {
        return dir.resolve(LogSegment.fileName(baseOffset, suffix + CLEANED_SUFFIX));
    }

    /** The four files, log last. */
    static List<Path> files(Path dir, long baseOffset) {
        return List.of(file(dir, baseOffset, LogSegment.INDEX_SUFFIX), file(dir, baseOffset, LogSegment.TIME_INDEX_SUFFIX),
                file(dir, baseOffset, LogSegment.TXN_INDEX_SUFFIX), file(dir, baseOffset, LogSegment.LOG_SUFFIX));
    }

    /** Appends whole batches (the buffer's remaining bytes), indexing them. */
    void append(ByteBuffer batches) throws IOException {
        int start = batches.position();
        for (int pos = start; pos + BatchHeader.SIZE <= batches.limit(); ) {
            int total = BatchHeader.totalSize(batches, pos);
            long batchBase = BatchHeader.baseOffset(batches, pos);
            long ts = BatchHeader.maxTimestamp(batches, pos);
            if (ts > maxTimestamp) {
                maxTimestamp = ts;
                maxTimestampOffset = batchBase;
            }
            if ((index.entries() == 0 || bytesSinceIndexEntry > indexIntervalBytes) && !index.isFull()) {
                index.append(batchBase, size + (pos - start));
                timeIndex.maybeAppend(maxTimestamp, maxTimestampOffset);
                bytesSinceIndexEntry = 0;
            }
            bytesSinceIndexEntry += total;
            pos += total;
        }
        int length = batches.remaining();
        long at = size;
        while (batches.hasRemaining()) {
            at += channel.write(batches, at);
        }
        size += length;
    }

    /** Adds an aborted transaction whose ABORT marker this cleaned segment keeps. */
    void appendAborted(AbortedTxn txn) throws IOException {
        txnIndex.append(txn);
    }

    /** Bytes written so far. */
    int size() {
        return size;
    }

    long baseOffset() {
        return baseOffset;
    }

    /** Adds the last time index entry, trims the indexes and forces everything to disk. */
    void finish() throws IOException {
        if (maxTimestamp >= 0) {
            timeIndex.maybeAppend(maxTimestamp, maxTimestampOffset);
        }
        index.trim();
        timeIndex.trim();
        index.flush();
        timeIndex.flush();
        txnIndex.close();
        Path txnFile = file(dir, baseOffset, LogSegment.TXN_INDEX_SUFFIX);
        if (!Files.exists(txnFile)) {
            Files.write(txnFile, new byte[0]); // always present, so the swap moves the same four files
        }
        channel.force(true);
        channel.close();
        finished = true;
    }

    /** Closes without finishing (an aborted cleaning) and deletes the files. */
    @Override
    public void close() throws IOException {
        if (!finished) {
            channel.close();
            txnIndex.close();
            for (Path p : files(dir, baseOffset)) {
                Files.deleteIfExists(p);
            }
        }
    }
}
