package io.skein.coordinator.records;

import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.PartitionLog;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiConsumer;
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
 * <p>Threading: {@link #append} is called with the owning shard's lock held; {@link #replay} by
 * the loading thread before the shard serves requests.
 */
public final class CoordinatorLog {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorLog.class);

    private final PartitionLog partitionLog;
    private final int leaderEpoch;
    private final String what;

    /**
     * @param what the kind of records, for log lines ("group coordinator", "transaction coordinator")
     */
    public CoordinatorLog(PartitionLog partitionLog, int leaderEpoch, String what) {
        this.partitionLog = partitionLog;
        this.leaderEpoch = leaderEpoch;
        this.what = what;
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

    /** Appends the entries as one batch; NONE when they are in the log, or the storage error. */
    public Errors append(List<Entry> entries, long nowMs) {
        if (entries.isEmpty()) {
            return Errors.NONE;
        }
        return append(MemoryRecords.withRecords(Compression.NONE, records(entries, nowMs)), entries.size(), nowMs);
    }

    /**
     * Appends the entries as one transactional batch of {@code producerId} at {@code producerEpoch}
     * (as Kafka's group coordinator writes TxnOffsetCommit): they take effect only once a COMMIT
     * marker of that producer follows in this partition. {@code baseSequence} continues the
     * producer's sequence in this partition (0 at a new epoch).
     */
    public Errors appendTransactional(List<Entry> entries, long producerId, short producerEpoch, int baseSequence,
                                      long nowMs) {
        if (entries.isEmpty()) {
            return Errors.NONE;
        }
        return append(MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, producerEpoch, baseSequence,
                records(entries, nowMs)), entries.size(), nowMs);
    }

    private static SimpleRecord[] records(List<Entry> entries, long nowMs) {
        SimpleRecord[] records = new SimpleRecord[entries.size()];
        for (int i = 0; i < records.length; i++) {
            Entry e = entries.get(i);
            records[i] = new SimpleRecord(nowMs, e.key(), e.value());
        }
        return records;
    }

    private Errors append(MemoryRecords batch, int count, long nowMs) {
        AppendResult result;
        try {
            result = partitionLog.append(batch, new AppendContext(leaderEpoch, nowMs));
        } catch (RuntimeException e) {
            log.warn("Could not write {} {} record(s) to {}: {}", count, what, name(), e.toString());
            return Errors.KAFKA_STORAGE_ERROR;
        }
        if (!result.succeeded()) {
            log.warn("Could not write {} {} record(s) to {}: {} {}", count, what, name(), result.error(),
                    result.errorMessage() == null ? "" : result.errorMessage());
        }
        return result.error();
    }

    /** The producer fields of the batch a replayed record or marker came in. */
    public record BatchInfo(long producerId, short producerEpoch, boolean transactional, int lastSequence) {
    }

    /** Receives what {@link #replay(int, ReplaySink)} reads, in log order. */
    public interface ReplaySink {
        /** A key/value record ({@code value} null for a tombstone). */
        void record(BatchInfo batch, ByteBuffer key, ByteBuffer value);

        /** A transaction marker of {@code batch.producerId()}: COMMIT ({@code commit}) or ABORT. */
        default void marker(BatchInfo batch, boolean commit) {
        }
    }

    /**
     * Reads the partition from its log start offset to its current end and hands every record's
     * key and value (null for a tombstone) to {@code sink}; control batches are skipped. A record
     * the sink cannot decode (it throws IllegalArgumentException or IllegalStateException) is
     * skipped with a warning.
     *
     * @return the number of records replayed
     */
    public long replay(int bufferBytes, BiConsumer<ByteBuffer, ByteBuffer> sink) {
        return replay(bufferBytes, (batch, key, value) -> sink.accept(key, value));
    }

    /**
     * As {@link #replay(int, BiConsumer)}, with each record's batch and the transaction markers
     * (control batches), so transactional records can be held back until their marker.
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
