package io.skein.log.internal;

import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.epoch.LeaderEpochCache;
import io.skein.log.producer.ProducerStateTable;
import io.skein.log.segment.LogEnd;
import io.skein.log.segment.LogSegment;
import io.skein.log.segment.Segments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The follower's append: batches fetched from the leader already carry their offsets, partition
 * leader epochs and timestamps, and are written byte for byte. Checked per batch: magic v2, the
 * CRC and sizes, and offsets: the first batch must start at or after the log end offset and each
 * batch after the previous one (the leader's log may have gaps where compaction removed records,
 * as in Kafka; a batch overlapping what the follower already has is refused). Nothing is appended
 * unless every batch passes. After the write, producer state and the leader-epoch history learn
 * the batches and the new end is published.
 *
 * <p>Threading: owned by the partition's writer; every call runs under the log's append lock.
 */
final class FollowerAppender {

    private final TopicPartition tp;
    private final Path dir;
    private final Segments segments;
    private final ProducerStateTable producers;
    private final LeaderEpochCache epochs;
    private final LogAppender appender;
    private final LogTransactions txns;

    FollowerAppender(TopicPartition tp, Path dir, Segments segments, ProducerStateTable producers,
                     LeaderEpochCache epochs, LogTransactions txns, LogAppender appender) {
        this.txns = txns;
        this.tp = tp;
        this.dir = dir;
        this.segments = segments;
        this.producers = producers;
        this.epochs = epochs;
        this.appender = appender;
    }

    AppendResult append(MemoryRecords records, LogConfig config, long logStartOffset, long nowMs) {
        ByteBuffer buffer = records.buffer();
        int start = buffer.position();
        List<MutableRecordBatch> batches = new ArrayList<>();
        int length = 0;
        try {
            for (MutableRecordBatch batch : records.batches()) {
                batches.add(batch);
                length += batch.sizeInBytes();
            }
        } catch (KafkaException e) {
            return AppendResult.failure(Errors.CORRUPT_MESSAGE, "Record batch in the follower append to " + tp
                    + " is corrupt: " + e.getMessage(), logStartOffset);
        }
        if (batches.isEmpty()) {
            return buffer.hasRemaining()
                    ? AppendResult.failure(Errors.CORRUPT_MESSAGE, "No complete record batch in the follower append to "
                            + tp, logStartOffset)
                    : AppendResult.success(-1, -1, -1, logStartOffset);
        }
        long expected = segments.end().offset();
        AppendResult invalid = check(batches, expected, logStartOffset);
        if (invalid != null) {
            return invalid;
        }
        return write(buffer, start, length, batches, config, logStartOffset, nowMs);
    }

    private AppendResult check(List<MutableRecordBatch> batches, long logEndOffset, long logStartOffset) {
        long next = logEndOffset;
        for (MutableRecordBatch batch : batches) {
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                return AppendResult.failure(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT, "Record batch in the follower "
                        + "append to " + tp + " has magic " + batch.magic(), logStartOffset);
            }
            try {
                batch.ensureValid();
            } catch (CorruptRecordException e) {
                return AppendResult.failure(Errors.CORRUPT_MESSAGE, e.getMessage() + " in the follower append to "
                        + tp, logStartOffset);
            }
            if (batch.baseOffset() < next || batch.lastOffset() < batch.baseOffset()) {
                return AppendResult.failure(Errors.OFFSET_OUT_OF_RANGE, "Follower append to " + tp
                        + " is not contiguous: a batch covers offsets " + batch.baseOffset() + " to "
                        + batch.lastOffset() + " but the next offset expected is " + next + " (log end offset "
                        + logEndOffset + ")", logStartOffset);
            }
            next = batch.lastOffset() + 1;
        }
        return null;
    }

    private AppendResult write(ByteBuffer buffer, int start, int length, List<MutableRecordBatch> batches,
                               LogConfig config, long logStartOffset, long nowMs) {
        int count = batches.size();
        int[] starts = new int[count];
        long[] bases = new long[count];
        long markTimestamp = -1;
        long markBase = -1;
        int markPosition = -1;
        int pos = 0;
        for (int i = 0; i < count; i++) {
            MutableRecordBatch batch = batches.get(i);
            starts[i] = pos;
            bases[i] = batch.baseOffset();
            if (batch.maxTimestamp() > markTimestamp) {
                markTimestamp = batch.maxTimestamp();
                markBase = batch.baseOffset();
                markPosition = pos;
            }
            pos += batch.sizeInBytes();
        }
        long first = bases[0];
        long last = batches.get(count - 1).lastOffset();
        ByteBuffer bytes = buffer.duplicate();
        bytes.position(start).limit(start + length);
        try {
            LogSegment segment = appender.segmentFor(length, first, last, config, nowMs);
            segment.append(bytes, last, new LogSegment.TimestampMark(markTimestamp, markBase, markPosition), starts,
                    bases, count);
            boolean transactional = false;
            for (MutableRecordBatch batch : batches) {
                epochs.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
                txns.completed(ProducerStateReplay.appended(producers, batch, segment));
                transactional |= batch.isTransactional();
            }
            if (transactional) {
                txns.publish(-1); // before the end (and so the high watermark) moves past the batches
            }
            segments.publish(new LogEnd(last + 1, segment, segment.size()));
            appender.maybeFlush(last + 1 - first, config, last + 1);
        } catch (IOException e) {
            return AppendResult.failure(Errors.KAFKA_STORAGE_ERROR, "Disk error while appending (as follower) to "
                    + tp + " in " + dir + ": " + e, logStartOffset);
        }
        return AppendResult.success(first, last, -1, logStartOffset);
    }
}
