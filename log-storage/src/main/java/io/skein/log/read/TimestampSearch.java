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
 * the target, and the record holding the log's largest timestamp. Segments whose in-memory max
 * timestamp is below the target are skipped; inside a segment batch headers are walked and only
 * the one matching batch is read whole and iterated (decompressed if needed).
 *
 * <p>This is the seam for the time index: with it, the header walk starts at the indexed position.
 *
 * <p>Threading: stateless; runs on any reader thread, bounded by the {@link LogEnd} sampled at the start.
 */
public final class TimestampSearch {

    private TimestampSearch() {
    }

    public static Optional<TimestampAndOffset> offsetForTimestamp(Segments segments, long timestamp) {
        LogEnd end = segments.end();
        for (LogSegment segment : segments.all()) {
            int readable = end.readableBytesOf(segment);
            if (readable == 0 || !segment.retain()) {
                continue;
            }
            try {
                if (segment.timestampMark().timestamp() < timestamp) {
                    continue;
                }
                ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
                for (int pos = 0; pos + BatchHeader.SIZE <= readable; pos += BatchHeader.totalSize(header, 0)) {
                    segment.readHeader(header, pos);
                    if (BatchHeader.maxTimestamp(header, 0) >= timestamp) {
                        Optional<TimestampAndOffset> found = firstRecordAtOrAfter(segment, pos,
                                BatchHeader.totalSize(header, 0), timestamp);
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
                if (end.readableBytesOf(segment) == 0 || !segment.retain()) {
                    continue;
                }
                LogSegment.TimestampMark mark;
                try {
                    mark = segment.timestampMark();
                } finally {
                    segment.release();
                }
                if (mark.batchPosition() >= 0 && (bestMark == null || mark.timestamp() > bestMark.timestamp())) {
                    best = segment;
                    bestMark = mark;
                }
            }
            if (best == null || !best.retain()) {
                return Optional.empty();
            }
            try {
                ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
                best.readHeader(header, bestMark.batchPosition());
                return firstRecordAtOrAfter(best, bestMark.batchPosition(), BatchHeader.totalSize(header, 0),
                        bestMark.timestamp());
            } finally {
                best.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Max timestamp lookup failed", e);
        }
    }

    private static Optional<TimestampAndOffset> firstRecordAtOrAfter(LogSegment segment, int position, int size,
                                                                     long timestamp) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(size);
        segment.readFully(bytes, position);
        for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
            try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                while (records.hasNext()) {
                    Record record = records.next();
                    if (record.timestamp() >= timestamp) {
                        return Optional.of(new TimestampAndOffset(record.timestamp(), record.offset(),
                                batch.partitionLeaderEpoch()));
                    }
                }
            }
        }
        return Optional.empty();
    }
}
