package io.skein.log.api;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * One partition's log on disk: an ordered list of segments holding whole record batches.
 *
 * <p>Threading: {@link #append} has exactly one caller at a time (the partition's writer; the
 * implementation serialises appends itself, so callers need not). Readers ({@link #read},
 * the offset getters, {@link #offsetForTimestamp}) may run on any thread concurrently with an
 * append; they never take the writer's lock and see data only up to the published end offset.
 */
public interface PartitionLog extends AutoCloseable {

    TopicPartition topicPartition();

    Uuid topicId();

    /**
     * Validates every batch in {@code records} (magic v2, CRC, sizes, per-record checks, producer
     * sequence), stamps base offsets, partition leader epoch and (for LogAppendTime) the
     * timestamp in place, and appends the batches as received. The whole request is appended or
     * nothing is. Never throws for bad input: the result carries Kafka's error.
     */
    AppendResult append(MemoryRecords records, AppendContext context);

    /**
     * Returns the bytes of whole batches starting at the batch that contains {@code fetchOffset}
     * (a fetch from inside a batch returns the whole batch), at most {@code maxBytes} long except
     * that with {@code minOneBatch} the first batch is returned whole even when larger. Never
     * returns bytes at or past {@code maxOffsetExclusive} (pass {@link #highWatermark()} for
     * consumers). The returned slice, if not empty, must be released by the caller.
     *
     * @throws OffsetOutOfRangeException when fetchOffset is below the log start offset or above
     *     the log end offset
     */
    LogReadResult read(long fetchOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch);

    /** The first offset still in the log. */
    long logStartOffset();

    /** One past the last offset appended. */
    long logEndOffset();

    /** One past the last offset consumers may read; equal to the log end offset on one node. */
    long highWatermark();

    /**
     * The first record whose timestamp is at or after {@code timestamp} (found through the first
     * batch whose max timestamp is), with that record's timestamp and its batch's leader epoch, as
     * Kafka's ListOffsets answers; empty when no such record exists.
     */
    java.util.Optional<TimestampAndOffset> offsetForTimestamp(long timestamp);

    /** The largest timestamp in the log and the offset of the first record carrying it; empty on an empty log. */
    java.util.Optional<TimestampAndOffset> maxTimestamp();

    /**
     * DeleteRecords: moves the log start offset up to {@code offset} (never down) and deletes the
     * segments wholly below it (their files are renamed {@code .deleted} and removed later).
     *
     * @return the log start offset afterwards (Kafka's low watermark)
     * @throws OffsetOutOfRangeException when {@code offset} is negative or above the high watermark
     * @throws org.apache.kafka.common.errors.PolicyViolationException when the log's cleanup policy
     *     does not include {@code delete}
     */
    long deleteRecordsBefore(long offset);

    /** Live configuration change (segment size, max message bytes, timestamp rules...). */
    void updateConfig(LogConfig config);

    LogConfig config();

    /** Forces everything appended so far to disk. */
    void flush();

    /** Flushes and closes the files. The log can no longer be used. */
    @Override
    void close();
}
