package io.skein.log.read;

import io.skein.log.api.TimestampAndOffset;
import io.skein.log.segment.BatchHeader;
import io.skein.log.segment.LogEnd;
import io.skein.log.segment.LogSegment;
import io.skein.log.segment.Segments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * ListOffsets by timestamp, as Kafka answers it: the first record whose timestamp is at or after
 * the target, and the record holding the log's largest timestamp. The first segment whose largest
 * timestamp (in memory, or the last time-index entry) reaches the target is chosen; its time index
 * gives an offset and its offset index a position from which batch headers are walked; only the
 * one matching batch is read whole and iterated (decompressed if needed). Records below the log
 * start offset are never answered.
 *
 * <p>Threading: stateless; runs on any reader thread, bounded by the {@link LogEnd} sampled at the start.
 */
public final class TimestampSearch {

    private TimestampSearch() {
    }

    public static Optional<TimestampAndOffset> offsetForTimestamp(Segments segments, long timestamp,
                                                                  long logStartOffset) {
        LogEnd end = segments.end();
        for (LogSegment segment : segments.all()) {
            int readable = end.readableBytesOf(segment);
            if (readable == 0 || segment.largestTimestamp() < timestamp || !segment.retain()) {
                continue;
            }
            try {
                ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
                int start = segment.timestampSearchStart(timestamp);
                for (int pos = start; pos + BatchHeader.SIZE <= readable; pos += BatchHeader.totalSize(header, 0)) {
                    segment.readHeader(header, pos);
                    if (BatchHeader.maxTimestamp(header, 0) >= timestamp
                            && BatchHeader.lastOffset(header, 0) >= logStartOffset) {
                        Optional<TimestampAndOffset> found = firstRecordAtOrAfter(segment, pos,
                                BatchHeader.totalSize(header, 0), timestamp, logStartOffset);
                        if (found.isPresent()) {
                            return found;
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Timestamp search in " + segment.logFile() + " failed", e);
            } finally {
                segment.release();
            }
        }
        return Optional.empty();
    }

    /** The largest timestamp and the offset of the first record carrying it; empty for an empty log. */
    public static Optional<TimestampAndOffset> maxTimestamp(Segments segments) {
        LogEnd end = segments.end();
        LogSegment best = null;
        LogSegment.TimestampMark bestMark = null;
        try {
            for (LogSegment segment : segments.all()) {
                if (end.readableBytesOf(segment) == 0) {
                    continue;
                }
                long ts = segment.largestTimestamp();
                if (ts >= 0 && (best == null || ts > best.largestTimestamp())) {
                    best = segment;
                }
            }
            if (best == null || !best.retain()) {
                return Optional.empty();
            }
            try {
                bestMark = best.timestampMark();
                if (bestMark.batchPosition() < 0) {
                    return Optional.empty();
                }
                ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
                best.readHeader(header, bestMark.batchPosition());
                return firstRecordAtOrAfter(best, bestMark.batchPosition(), BatchHeader.totalSize(header, 0),
                        bestMark.timestamp(), Long.MIN_VALUE);
            } finally {
                best.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Max timestamp lookup failed", e);
        }
    }

    private static Optional<TimestampAndOffset> firstRecordAtOrAfter(LogSegment segment, int position, int size,
                                                                     long timestamp, long minOffset)
            throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(size);
        segment.readFully(bytes, position);
        for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
            try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                while (records.hasNext()) {
                    Record record = records.next();
                    if (record.timestamp() >= timestamp && record.offset() >= minOffset) {
                        return Optional.of(new TimestampAndOffset(record.timestamp(), record.offset(),
                                batch.partitionLeaderEpoch()));
                    }
                }
            }
        }
        return Optional.empty();
    }
}
