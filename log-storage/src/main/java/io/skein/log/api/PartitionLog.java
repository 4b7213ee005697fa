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
     * consumers, {@link #lastStableOffset()} for read_committed ones). The returned slice, if not
     * empty, must be released by the caller.
     *
     * @throws OffsetOutOfRangeException when fetchOffset is below the log start offset or above
     *     the log end offset
     */
    LogReadResult read(long fetchOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch);

    /** The first offset still in the log. */
    long logStartOffset();

    /** One past the last offset appended. */
    long logEndOffset();

    /**
     * One past the last offset consumers may read: never above the log end offset; equal to it
     * while {@link #setHighWatermarkFollowsLogEnd high watermark follows the log end} (a partition
     * whose only in-sync replica is this log, e.g. on a single node).
     */
    long highWatermark();

    /**
     * One past the last offset read_committed consumers may read: the smaller of the high watermark
     * and the first offset of the earliest transaction that is still open or whose marker is not
     * yet below the high watermark. Equal to the high watermark when no transaction is open.
     */
    long lastStableOffset();

    /**
     * The leader's append of a transaction marker (a control batch with one COMMIT or ABORT record,
     * written on behalf of the transaction coordinator; WriteTxnMarkers): ends the producer's open
     * transaction in this partition (if any; a marker for a producer without one is still
     * written), records an ABORT in the aborted-transaction index, and moves the last stable
     * offset. Kafka's checks: a producer epoch below the producer's current one gets
     * INVALID_PRODUCER_EPOCH, a coordinator epoch below the last marker's
     * TRANSACTION_COORDINATOR_FENCED. The batch is stamped with {@code leaderEpoch} (or the log's,
     * if higher) and {@code nowMs}. Never throws for bad input: the result carries the error.
     */
    AppendResult appendTransactionMarker(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit,
                                         int leaderEpoch, long nowMs);

    /**
     * The aborted transactions that overlap {@code [fetchOffset, upperBoundOffset)} (first offset
     * below the bound, ABORT marker at or after the fetch offset), in marker order: the
     * {@code aborted_transactions} of a read_committed fetch that returned data from
     * {@code fetchOffset} up to {@code upperBoundOffset}.
     */
    java.util.List<AbortedTransaction> abortedTransactions(long fetchOffset, long upperBoundOffset);

    /**
     * Moves the high watermark up to {@code offset} (capped at the log end offset); a lower value is
     * ignored, so the high watermark never goes back except when {@link #truncateTo} cuts below it.
     * Called by the leader's replica manager once the ISR has the offsets, and by a follower with
     * the leader's high watermark.
     *
     * @return whether the high watermark moved (fetches parked on the partition may complete)
     */
    boolean updateHighWatermark(long offset);

    /**
     * While {@code true} every append (leader or follower) moves the high watermark to the new log
     * end offset, and setting it moves it there at once: the log is its partition's only in-sync
     * replica. Logs of a registry opened with {@link LogRegistry#open} start with {@code true};
     * with {@link LogRegistry#openReplicated} with {@code false}.
     */
    void setHighWatermarkFollowsLogEnd(boolean follows);

    /**
     * This log's replica becomes the partition's leader at {@code leaderEpoch}: later
     * {@link #append}s stamp that epoch (or the one in their context, if higher) and the epoch is
     * recorded as starting at the current log end offset. An epoch below the current one is ignored.
     */
    void becomeLeader(int leaderEpoch);

    /** The epoch leader appends are stamped with: the last one given by {@link #becomeLeader} or an append context; -1 if none. */
    int leaderEpoch();

    /** The latest epoch in the log's leader-epoch history, -1 when it has none. */
    int latestEpoch();

    /**
     * The epoch of the batches at the log start offset: the earliest epoch in the history if it
     * starts at or below the log start offset, else -1 (ListOffsets' answer for "earliest").
     */
    int epochAtLogStart();

    /**
     * Kafka's {@code endOffsetForEpoch} (OffsetForLeaderEpoch): the largest epoch at or below
     * {@code requestedEpoch} and the offset where it ends (the start of the next higher epoch, or
     * the log end offset for the latest epoch). For an epoch below the earliest known one, the
     * requested epoch and the earliest entry's start offset (as Kafka). Undefined (-1, -1) for an
     * epoch above the latest, for -1, and when the log knows no epoch.
     */
    EpochEndOffset endOffsetForEpoch(int requestedEpoch);

    /**
     * The follower's append: {@code records} are batches fetched from the leader, carrying their
     * offsets, partition leader epochs and timestamps, which are kept as they are (no stamping,
     * no producer sequence checks). Each batch must be magic v2 with a valid CRC; the first must
     * start at or after the log end offset and each one after the previous (gaps, left by
     * compaction on the leader, are allowed). All or nothing. Updates indexes, producer state, the
     * leader-epoch history and the log end offset. Never throws for bad input: CORRUPT_MESSAGE,
     * UNSUPPORTED_FOR_MESSAGE_FORMAT, or OFFSET_OUT_OF_RANGE when a batch overlaps the log.
     */
    AppendResult appendAsFollower(MemoryRecords records);

    /**
     * Removes every batch whose last offset is at or past {@code offset} (a follower dropping
     * history that diverged from its leader's): segments, indexes and time index, producer state
     * and leader epochs are cut; the high watermark and recovery point move down if they were
     * above. Batches are never split, so the new end may be below {@code offset} when it falls
     * inside a batch. Never cuts below the log start offset: when the batch holding the log start
     * offset would go, the log is emptied and restarts at the log start offset (as
     * {@link #truncateFullyAndStartAt}). When {@code offset} is at or past the end nothing is cut
     * except leader epochs recorded as starting at the log end (a leadership that appended nothing).
     *
     * @return the log end offset afterwards
     */
    long truncateTo(long offset);

    /**
     * Empties the log and restarts it at {@code offset} (a follower out of range of its leader's
     * log): log start, log end and high watermark all become {@code offset}; producer state and
     * leader epochs are forgotten.
     */
    void truncateFullyAndStartAt(long offset);

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

    /** The producers this partition remembers (DescribeProducers), as of the last append. */
    java.util.List<ActiveProducer> activeProducers();

    /**
     * Whether the producer has a transaction open in this partition at this epoch: its partition
     * joined that transaction already (KIP-890 skips the coordinator's check then, as Kafka does).
     */
    boolean hasOngoingTransaction(long producerId, short producerEpoch);

    /** Bytes of complete batches in all segments (DescribeLogDirs' partition size). */
    long sizeInBytes();

    /** The partition's directory ({@code <log dir>/<topic>-<partition>}). */
    java.nio.file.Path directory();

    /** Live configuration change (segment size, max message bytes, timestamp rules...). */
    void updateConfig(LogConfig config);

    LogConfig config();

    /** Forces everything appended so far to disk. */
    void flush();

    /** Flushes and closes the files. The log can no longer be used. */
    @Override
    void close();
}
