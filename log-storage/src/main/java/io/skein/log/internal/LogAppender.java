package io.skein.log.internal;

import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.append.BatchValidator;
import io.skein.log.epoch.LeaderEpochCache;
import io.skein.log.producer.BatchMetadata;
import io.skein.log.producer.ProducerStateTable;
import io.skein.log.producer.SequenceCheck;
import io.skein.log.retention.RetentionPolicy;
import io.skein.log.segment.LogEnd;
import io.skein.log.segment.LogSegment;
import io.skein.log.segment.Segments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The append algorithm of one partition log, for the leader's appends of client batches and of
 * its own control batches (transaction markers) and for the follower's appends of batches fetched
 * from the leader.
 *
 * <p>Leader: validate every batch of the request (nothing is appended if one fails), check
 * idempotent producers' sequences, stamp offsets, leader epoch and LogAppendTime into the
 * request's buffer in place. Follower: the batches already carry their offsets, partition leader
 * epochs and timestamps and are written byte for byte; each must be magic v2 with a valid CRC, the
 * first must start at or after the log end offset and each after the previous one (the leader's
 * log may have gaps where compaction removed records, as in Kafka; a batch overlapping what the
 * follower already has is refused). Then both: roll the segment if needed, write the whole request
 * with one positional write, record producer state and each batch's epoch start (if the epoch is
 * new), then publish the new end.
 *
 * <p>Threading: owned by the partition's writer; every call runs under the log's append lock.
 * The scratch arrays are reused across appends (no per-request allocation beyond one object per
 * batch) and cleared of batch references after each append.
 */
final class LogAppender {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LogAppender.class);

    private final TopicPartition tp;
    private final Path dir;
    private final Segments segments;
    private final ProducerStateTable producers;
    private final LeaderEpochCache epochs;
    private final LogTransactions txns;
    private MutableRecordBatch[] batches = new MutableRecordBatch[4];
    private int[] starts = new int[4];
    private long[] bases = new long[4];
    private final RollListener onRoll;
    private long messagesSinceFlush;
    private long flushedUpTo;

    /** Told, under the append lock, about each segment that stopped being active and where the next begins. */
    @FunctionalInterface
    interface RollListener {
        void rolled(LogSegment old, long nextBaseOffset);
    }

    LogAppender(TopicPartition tp, Path dir, Segments segments, ProducerStateTable producers, LeaderEpochCache epochs,
                LogTransactions txns, RollListener onRoll) {
        this.txns = txns;
        this.onRoll = onRoll;
        this.epochs = epochs;
        this.tp = tp;
        this.dir = dir;
        this.segments = segments;
        this.producers = producers;
    }

    AppendResult append(MemoryRecords records, AppendContext context, LogConfig config, long logStartOffset) {
        ByteBuffer buffer = records.buffer();
        int start = buffer.position();
        int count;
        try {
            count = collectBatches(records, start);
        } catch (KafkaException e) {
            Arrays.fill(batches, null);
            return AppendResult.failure(Errors.CORRUPT_MESSAGE, "Record batch in the append to " + tp
                    + " is corrupt: " + e.getMessage(), logStartOffset);
        }
        try {
            if (count == 0) {
                return noBatch(buffer, "append", logStartOffset);
            }
            for (int i = 0; i < count; i++) {
                AppendResult invalid = BatchValidator.validate(tp, batches[i], buffer, start + starts[i], config,
                        context.nowMs(), logStartOffset);
                if (invalid != null) {
                    return invalid;
                }
            }
            AppendResult sequenceProblem = checkSequences(count, logStartOffset);
            if (sequenceProblem != null) {
                return sequenceProblem;
            }
            return stampAndWrite(buffer, start, count, context, config, logStartOffset);
        } finally {
            Arrays.fill(batches, 0, count, null);
        }
    }

    /**
     * The leader's append of a control batch it built itself (a transaction marker): stamped and
     * written like any batch, without the client checks (which refuse control batches) and
     * without sequence checks (markers carry none; the caller checked the producer epoch).
     */
    AppendResult appendControl(MemoryRecords records, AppendContext context, LogConfig config, long logStartOffset) {
        int start = records.buffer().position();
        int count = collectBatches(records, start);
        try {
            return stampAndWrite(records.buffer(), start, count, context, config, logStartOffset);
        } finally {
            Arrays.fill(batches, 0, count, null);
        }
    }

    /**
     * The follower's append of batches fetched from the leader, kept as they are (no stamping, no
     * producer sequence checks); see the class comment for the checks. All or nothing.
     */
    AppendResult appendAsFollower(MemoryRecords records, LogConfig config, long logStartOffset, long nowMs) {
        ByteBuffer buffer = records.buffer();
        int start = buffer.position();
        int count;
        try {
            count = collectBatches(records, start);
        } catch (KafkaException e) {
            Arrays.fill(batches, null);
            return AppendResult.failure(Errors.CORRUPT_MESSAGE, "Record batch in the follower append to " + tp
                    + " is corrupt: " + e.getMessage(), logStartOffset);
        }
        try {
            if (count == 0) {
                return noBatch(buffer, "follower append", logStartOffset);
            }
            AppendResult invalid = checkReplicated(count, logStartOffset);
            if (invalid != null) {
                return invalid;
            }
            return write(buffer, start, count, config, nowMs, -1, logStartOffset, true);
        } finally {
            Arrays.fill(batches, 0, count, null);
        }
    }

    /** The answer to a request without a complete batch: an empty success, or CORRUPT_MESSAGE for stray bytes. */
    private AppendResult noBatch(ByteBuffer buffer, String what, long logStartOffset) {
        return buffer.hasRemaining()
                ? AppendResult.failure(Errors.CORRUPT_MESSAGE, "No complete record batch in the " + what + " to " + tp,
                        logStartOffset)
                : AppendResult.success(-1, -1, -1, logStartOffset);
    }

    private int collectBatches(MemoryRecords records, int start) {
        int n = 0;
        int pos = start;
        for (MutableRecordBatch batch : records.batches()) {
            if (n == batches.length) {
                batches = Arrays.copyOf(batches, n * 2);
                starts = Arrays.copyOf(starts, n * 2);
                bases = Arrays.copyOf(bases, n * 2);
            }
            batches[n] = batch;
            starts[n] = pos - start;
            pos += batch.sizeInBytes();
            n++;
        }
        return n;
    }

    /** Null when every fetched batch may be appended after the log end (see the class comment). */
    private AppendResult checkReplicated(int count, long logStartOffset) {
        long logEndOffset = segments.end().offset();
        long next = logEndOffset;
        for (int i = 0; i < count; i++) {
            MutableRecordBatch batch = batches[i];
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

    /** Null when every idempotent batch may be appended; a duplicate answers with the original offsets. */
    private AppendResult checkSequences(int count, long logStartOffset) {
        for (int i = 0; i < count; i++) {
            MutableRecordBatch batch = batches[i];
            if (!batch.hasProducerId()) {
                continue;
            }
            MutableRecordBatch previous = previousInRequest(i);
            SequenceCheck check = previous == null
                    ? producers.check(batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
                            batch.lastSequence())
                    : ProducerStateTable.checkFollowing(batch.producerId(), previous.producerEpoch(),
                            previous.lastSequence(), batch.producerEpoch(), batch.baseSequence());
            if (check.isDuplicate()) {
                BatchMetadata original = check.duplicateOf();
                return AppendResult.success(original.firstOffset(), original.lastOffset(), -1, logStartOffset);
            }
            if (!check.accepted()) {
                return AppendResult.failure(check.error(), check.message() + " (append to " + tp + ")",
                        logStartOffset);
            }
        }
        return null;
    }

    private MutableRecordBatch previousInRequest(int i) {
        long producerId = batches[i].producerId();
        for (int j = i - 1; j >= 0; j--) {
            if (batches[j].producerId() == producerId) {
                return batches[j];
            }
        }
        return null;
    }

    /** The leader's stamping: offsets from the log end, its epoch, and LogAppendTime if configured; then the write. */
    private AppendResult stampAndWrite(ByteBuffer buffer, int start, int count, AppendContext context, LogConfig config,
                                       long logStartOffset) {
        boolean logAppendTime = config.timestampType() == TimestampType.LOG_APPEND_TIME;
        long now = context.nowMs();
        long next = segments.end().offset();
        for (int i = 0; i < count; i++) {
            MutableRecordBatch batch = batches[i];
            long delta = batch.lastOffset() - batch.baseOffset();
            batch.setLastOffset(next + delta);
            batch.setPartitionLeaderEpoch(context.leaderEpoch());
            if (logAppendTime) {
                batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
            }
            next += delta + 1;
        }
        return write(buffer, start, count, config, now, logAppendTime ? now : -1, logStartOffset, false);
    }

    /**
     * Writes the collected batches, which carry their final offsets, epochs and timestamps, with one
     * positional write, then tells the leader-epoch history and the producer state about them and
     * publishes the new end.
     *
     * @param logAppendTime the LogAppendTime stamped (for the result), -1 if none
     */
    private AppendResult write(ByteBuffer buffer, int start, int count, LogConfig config, long now, long logAppendTime,
                               long logStartOffset, boolean follower) {
        long first = batches[0].baseOffset();
        long last = batches[count - 1].lastOffset();
        int length = starts[count - 1] + batches[count - 1].sizeInBytes();
        long markTimestamp = -1;
        long markBase = -1;
        int markPosition = -1;
        for (int i = 0; i < count; i++) {
            MutableRecordBatch batch = batches[i];
            bases[i] = batch.baseOffset();
            if (batch.maxTimestamp() > markTimestamp) {
                markTimestamp = batch.maxTimestamp();
                markBase = bases[i];
                markPosition = starts[i];
            }
        }
        ByteBuffer bytes = buffer.duplicate();
        bytes.position(start).limit(start + length);
        try {
            LogSegment segment = segmentFor(length, first, last, config, now);
            segment.append(bytes, last, new LogSegment.TimestampMark(markTimestamp, markBase, markPosition),
                    starts, bases, count);
            boolean transactional = false;
            for (int i = 0; i < count; i++) {
                MutableRecordBatch batch = batches[i];
                epochs.assign(batch.partitionLeaderEpoch(), bases[i]);
                txns.completed(ProducerStateReplay.appended(producers, batch, segment));
                transactional |= batch.isTransactional();
            }
            if (transactional) {
                txns.publish(-1); // before the end (and so the high watermark) moves past the batches
            }
            segments.publish(new LogEnd(last + 1, segment, segment.size()));
            maybeFlush(last + 1 - first, config, last + 1);
        } catch (IOException e) {
            return AppendResult.failure(Errors.KAFKA_STORAGE_ERROR, "Disk error while appending "
                    + (follower ? "(as follower) " : "") + "to " + tp + " in " + dir + ": " + e, logStartOffset);
        }
        return AppendResult.success(first, last, logAppendTime, logStartOffset);
    }

    /**
     * The segment to append to, rolling first when the bytes would pass {@code segment.bytes},
     * {@code segment.ms} (less jitter) has passed since the segment was created, the index is
     * full, or an offset would not fit the index's 32-bit relative offset.
     */
    private LogSegment segmentFor(int bytes, long firstOffset, long lastOffset, LogConfig config, long now)
            throws IOException {
        LogSegment active = segments.active();
        boolean full = active.size() > 0 && (long) active.size() + bytes > config.segmentBytes();
        boolean expired = active.size() > 0 && RetentionPolicy.segmentMsExpired(active.createdMs(),
                RetentionPolicy.jitterMs(active.baseOffset(), tp.hashCode(), config), config, now);
        boolean offsetOverflow = lastOffset - active.baseOffset() > Integer.MAX_VALUE;
        if (!full && !expired && !offsetOverflow && !active.indexFull()) {
            return active;
        }
        return roll(firstOffset, config, now);
    }

    /**
     * Makes a new empty active segment starting at {@code baseOffset} (the log end offset); the
     * listener has the old one forced to disk in the background.
     */
    LogSegment roll(long baseOffset, LogConfig config, long now) throws IOException {
        LogSegment old = segments.active();
        LogSegment next = LogSegment.create(dir, baseOffset, config.segmentIndexBytes(), config.indexIntervalBytes(),
                now);
        segments.roll(next);
        try {
            ProducerSnapshotFile.write(dir, baseOffset, producers);
        } catch (IOException e) {
            log.warn("Could not write the producer-state snapshot of {} at offset {} (a restart then rebuilds it from "
                    + "the log): {}", tp, baseOffset, e.getMessage());
        }
        onRoll.rolled(old, baseOffset);
        return next;
    }

    private void maybeFlush(long records, LogConfig config, long endOffset) throws IOException {
        if (config.flushMessages() == Long.MAX_VALUE) {
            return;
        }
        messagesSinceFlush += records;
        if (messagesSinceFlush >= config.flushMessages()) {
            segments.flush();
            messagesSinceFlush = 0;
            flushedUpTo = endOffset;
        }
    }

    /** The offset below which everything appended is known to be on disk (flush.messages). */
    long flushedUpTo() {
        return flushedUpTo;
    }

    /** Truncation cut the log to {@code endOffset}: nothing past it counts as flushed any more. */
    void truncatedTo(long endOffset) {
        flushedUpTo = Math.min(flushedUpTo, endOffset);
    }

    /** A flush outside the appender (flush.ms, close) reset the message count. */
    void flushed(long endOffset) {
        messagesSinceFlush = 0;
        flushedUpTo = Math.max(flushedUpTo, endOffset);
    }
}
