package io.skein.coordinator.records;

import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.PartitionLog;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition of a coordinator's internal topic ({@code __consumer_offsets},
 * {@code __transaction_state}) seen by its coordinator: appends key/value records as one batch per
 * change (so a change is all or nothing) and replays the partition from its start when the
 * coordinator loads it.
 *
 * <p>An append is committed once the partition's high watermark passes it ({@link #write}
 * returns a future for that, from {@link ReplicationAwait}); a coordinator answers a client only
 * then. The coordinator applies a change to its memory when the append succeeds, before it is
 * committed: if the write never commits, this node stops leading the partition at this epoch
 * (the append can only be truncated by a new leader), the shard is closed and the next leader,
 * or this node at a new epoch, replays the log as it is then. So memory never keeps a write the
 * log lost.
 *
 * <p>Threading: {@link #append} and {@link #write} are called with the owning shard's lock held
 * and do not wait for replication; {@link #replay} by the loading thread before the shard serves
 * requests.
 */
public final class CoordinatorLog {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorLog.class);

    private final PartitionLog partitionLog;
    private final int leaderEpoch;
    private final String what;
    private final ReplicationAwait replication;

    /**
     * @param what the kind of records, for log lines ("group coordinator", "transaction coordinator")
     * @param replication tells when an append is below the high watermark
     */
    public CoordinatorLog(PartitionLog partitionLog, int leaderEpoch, String what, ReplicationAwait replication) {
        this.partitionLog = partitionLog;
        this.leaderEpoch = leaderEpoch;
        this.what = what;
        this.replication = replication;
    }

    /**
     * What {@link #write} did: the append's outcome now (NONE when the batch is in the leader's log,
     * so the change may be applied to memory) and a future completing once the batch is committed
     * (NONE), or with why not (REQUEST_TIMED_OUT, NOT_LEADER_OR_FOLLOWER,
     * NOT_ENOUGH_REPLICAS_AFTER_APPEND); it completes with the append's error when that failed.
     */
    public record Written(Errors appendError, CompletableFuture<Errors> committed, long requiredOffset) {

        /** Nothing was written (no entries), or nobody waits: committed at once. */
        public static Written nothing() {
            return new Written(Errors.NONE, CompletableFuture.completedFuture(Errors.NONE), -1);
        }

        static Written failed(Errors error) {
            return new Written(error, CompletableFuture.completedFuture(error), -1);
        }

        public boolean appended() {
            return appendError == Errors.NONE;
        }
    }

    public String name() {
        return partitionLog.topicPartition().toString();
    }

    /** The leader epoch this coordinator was elected at (Kafka's coordinator epoch). */
    public int leaderEpoch() {
        return leaderEpoch;
    }

    /** A key and value (null for a tombstone) to append. */
    public record Entry(byte[] key, byte[] value) {
    }

    /**
     * Appends the entries as one batch without waiting for replication; NONE when they are in the
     * log, or the storage error. For writes no client waits on (expiry, cleanup).
     */
    public Errors append(List<Entry> entries, long nowMs) {
        return write(entries, nowMs, NO_WAIT).appendError();
    }

    /** A timeout that means nobody waits for the commit. */
    private static final long NO_WAIT = -1;

    /**
     * Appends the entries as one batch (refused with NOT_ENOUGH_REPLICAS when the ISR is below
     * {@code min.insync.replicas}) and returns, without waiting, the append's outcome and a future
     * for its commit that gives up after {@code timeoutMs}.
     */
    public Written write(List<Entry> entries, long nowMs, long timeoutMs) {
        if (entries.isEmpty()) {
            return Written.nothing();
        }
        return write(MemoryRecords.withRecords(Compression.NONE, records(entries, nowMs)), entries.size(), nowMs,
                timeoutMs);
    }

    /**
     * Appends the entries as one transactional batch of {@code producerId} at {@code producerEpoch}
     * (as Kafka's group coordinator writes TxnOffsetCommit): they take effect only once a COMMIT
     * marker of that producer follows in this partition. {@code baseSequence} continues the
     * producer's sequence in this partition (0 at a new epoch).
     */
    public Written writeTransactional(List<Entry> entries, long producerId, short producerEpoch, int baseSequence,
                                      long nowMs, long timeoutMs) {
        if (entries.isEmpty()) {
            return Written.nothing();
        }
        return write(MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, producerEpoch, baseSequence,
                records(entries, nowMs)), entries.size(), nowMs, timeoutMs);
    }

    private static SimpleRecord[] records(List<Entry> entries, long nowMs) {
        SimpleRecord[] records = new SimpleRecord[entries.size()];
        for (int i = 0; i < records.length; i++) {
            Entry e = entries.get(i);
            records[i] = new SimpleRecord(nowMs, e.key(), e.value());
        }
        return records;
    }

    private Written write(MemoryRecords batch, int count, long nowMs, long timeoutMs) {
        Errors isr = replication.beforeAppend(partitionLog.topicPartition());
        if (isr != Errors.NONE) {
            log.warn("Not writing {} {} record(s) to {}: {} (the in-sync replicas are fewer than "
                    + "min.insync.replicas; check the followers of this partition)", count, what, name(), isr);
            return Written.failed(isr);
        }
        AppendResult result;
        try {
            result = partitionLog.append(batch, new AppendContext(leaderEpoch, nowMs));
        } catch (RuntimeException e) {
            log.warn("Could not write {} {} record(s) to {}: {}", count, what, name(), e.toString());
            return Written.failed(Errors.KAFKA_STORAGE_ERROR);
        }
        if (!result.succeeded()) {
            log.warn("Could not write {} {} record(s) to {}: {} {}", count, what, name(), result.error(),
                    result.errorMessage() == null ? "" : result.errorMessage());
            return Written.failed(result.error());
        }
        replication.appended(partitionLog.topicPartition());
        if (timeoutMs == NO_WAIT) {
            return Written.nothing();
        }
        return new Written(Errors.NONE, replication.awaitCommitted(partitionLog.topicPartition(), leaderEpoch,
                result.lastOffset() + 1, timeoutMs), result.lastOffset() + 1);
    }

    /**
     * Waits again for a write whose first wait timed out: completes as {@link Written#committed}
     * once the high watermark reaches {@code requiredOffset} (NONE at once for a write of nothing).
     */
    public CompletableFuture<Errors> awaitCommitted(long requiredOffset, long timeoutMs) {
        if (requiredOffset < 0) {
            return CompletableFuture.completedFuture(Errors.NONE);
        }
        return replication.awaitCommitted(partitionLog.topicPartition(), leaderEpoch, requiredOffset, timeoutMs);
    }

    /** The producer fields of the batch a replayed record or marker came in. */
    public record BatchInfo(long producerId, short producerEpoch, boolean transactional, int lastSequence) {
    }

    /** Receives what {@link #replay} reads, in log order. */
    public interface ReplaySink {
        /** A key/value record ({@code value} null for a tombstone). */
        void record(BatchInfo batch, ByteBuffer key, ByteBuffer value);

        /** A transaction marker of {@code batch.producerId()}: COMMIT ({@code commit}) or ABORT. */
        default void marker(BatchInfo batch, boolean commit) {
        }
    }

    /**
     * Reads the partition from its log start offset to its current end and hands every record's
     * key and value (null for a tombstone), with its batch, to {@code sink}, and the transaction
     * markers of control batches, so transactional records can be held back until their marker. A
     * record the sink cannot decode (it throws IllegalArgumentException or IllegalStateException)
     * is skipped with a warning.
     *
     * @return the number of records replayed
     */
    public long replay(int bufferBytes, ReplaySink sink) {
        long offset = partitionLog.logStartOffset();
        long end = partitionLog.logEndOffset();
        long count = 0;
        while (offset < end) {
            LogReadResult read = partitionLog.read(offset, bufferBytes, end, true);
            if (read.records().sizeInBytes() == 0) {
                break;
            }
            ByteBuffer bytes;
            try {
                bytes = read.records().readFully();
            } finally {
                read.records().release();
            }
            long next = offset;
            for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
                next = batch.nextOffset();
                BatchInfo info = new BatchInfo(batch.producerId(), batch.producerEpoch(), batch.isTransactional(),
                        batch.lastSequence());
                if (batch.isControlBatch()) {
                    if (batch.lastOffset() >= offset) {
                        replayMarker(batch, info, sink);
                    }
                    continue;
                }
                for (Record record : batch) {
                    if (record.offset() < offset || !record.hasKey()) {
                        continue;
                    }
                    try {
                        sink.record(info, record.key(), record.hasValue() ? record.value() : null);
                        count++;
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        log.warn("Skipping an unreadable record at offset {} of {}: {}", record.offset(), name(),
                                e.getMessage());
                    }
                }
            }
            if (next <= offset) {
                break;
            }
            offset = next;
        }
        return count;
    }

    private void replayMarker(RecordBatch batch, BatchInfo info, ReplaySink sink) {
        for (Record record : batch) {
            if (!record.hasKey()) {
                continue;
            }
            try {
                ControlRecordType type = ControlRecordType.parse(record.key());
                if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
                    sink.marker(info, type == ControlRecordType.COMMIT);
                }
            } catch (RuntimeException e) {
                log.warn("Skipping an unreadable control record at offset {} of {}: {}", record.offset(), name(),
                        e.getMessage());
            }
        }
    }
}
