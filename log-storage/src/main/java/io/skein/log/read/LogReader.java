package io.skein.log.read;

import io.skein.log.api.LogReadResult;
import io.skein.log.api.LogSlice;
import io.skein.log.api.OffsetOutOfRangeException;
import io.skein.log.segment.BatchHeader;
import io.skein.log.segment.LogEnd;
import io.skein.log.segment.LogSegment;
import io.skein.log.segment.Segments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds the bytes a fetch returns: the segment by base offset, the last index entry at or below
 * the fetch offset, then a walk over batch headers (61 bytes read positionally each) to the batch
 * holding the offset. The answer is a {@link LogSlice} over the segment file from that batch, cut
 * at {@code maxBytes} (possibly mid-batch, as Kafka does: clients drop a partial trailing batch),
 * at the published end and before the batch holding {@code maxOffsetExclusive}; with
 * {@code minOneBatch} the first batch is returned whole even when larger than {@code maxBytes}.
 * A slice never spans two segments; a segment with nothing at or after the offset is skipped.
 *
 * <p>Threading: stateless; runs on any reader thread without the writer's lock, reading only up to
 * the {@link LogEnd} it sampled once at the start.
 */
public final class LogReader {

    private LogReader() {
    }

    public static LogReadResult read(TopicPartition tp, Segments segments, long logStartOffset, long highWatermark,
                                     long fetchOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) {
        LogEnd end = segments.end();
        long leo = end.offset();
        if (fetchOffset < logStartOffset || fetchOffset > leo) {
            throw new OffsetOutOfRangeException("Received request for offset " + fetchOffset + " for partition " + tp
                    + ", but we only have log segments in the range " + logStartOffset + " to " + leo + ".");
        }
        long limit = Math.min(maxOffsetExclusive, leo);
        LogSlice slice = fetchOffset >= limit ? LogSlice.EMPTY
                : find(tp, segments, end, fetchOffset, maxBytes, limit, minOneBatch);
        return new LogReadResult(slice, Math.min(highWatermark, leo), logStartOffset, leo);
    }

    private static LogSlice find(TopicPartition tp, Segments segments, LogEnd end, long fetchOffset, int maxBytes,
                                 long limit, boolean minOneBatch) {
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        LogSegment segment = segments.floor(fetchOffset);
        while (segment != null) {
            int readable = end.readableBytesOf(segment);
            if (readable > 0 && !segment.retain()) {
                // closed since the lookup: the cleaner swapped it out (or retention deleted it); look again
                LogSegment current = segments.floor(Math.max(fetchOffset, segment.baseOffset()));
                if (current != null && current != segment) {
                    segment = current;
                    continue;
                }
                segment = segments.next(segment);
                continue;
            }
            if (readable > 0) {
                boolean handedOut = false;
                try {
                    LogSlice slice = sliceOf(segment, readable, header, fetchOffset, maxBytes, limit, end.offset(),
                            minOneBatch);
                    if (slice != null) {
                        handedOut = slice != LogSlice.EMPTY;
                        return slice;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("Read of " + tp + " at offset " + fetchOffset + " from "
                            + segment.logFile() + " failed", e);
                } finally {
                    if (!handedOut) {
                        segment.release();
                    }
                }
            }
            segment = segments.next(segment);
        }
        return LogSlice.EMPTY;
    }

    /** The slice in this segment, EMPTY when the limit leaves nothing, null when the offset is past the segment. */
    private static LogSlice sliceOf(LogSegment segment, int readable, ByteBuffer header, long fetchOffset,
                                    int maxBytes, long limit, long leo, boolean minOneBatch) throws IOException {
        int start = segment.positionOf(fetchOffset, readable, header);
        if (start < 0) {
            return null;
        }
        int firstBatchSize = BatchHeader.totalSize(header, 0);
        int stop = readable;
        if (limit < leo) {
            int limitBatch = segment.positionOf(limit, readable, header);
            if (limitBatch >= 0) {
                stop = limitBatch;
            }
        }
        int available = stop - start;
        int length = Math.min(available, Math.max(maxBytes, 0));
        if (minOneBatch) {
            length = Math.max(length, Math.min(available, firstBatchSize));
        }
        return length <= 0 ? LogSlice.EMPTY : new SegmentSlice(segment, start, length);
    }
}
