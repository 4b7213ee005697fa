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
        SimpleRecord[] records = new SimpleRecord[entries.size()];
        for (int i = 0; i < records.length; i++) {
            Entry e = entries.get(i);
            records[i] = new SimpleRecord(nowMs, e.key(), e.value());
        }
        AppendResult result;
        try {
            result = partitionLog.append(MemoryRecords.withRecords(Compression.NONE, records),
                    new AppendContext(leaderEpoch, nowMs));
        } catch (RuntimeException e) {
            log.warn("Could not write {} {} record(s) to {}: {}", entries.size(), what, name(), e.toString());
            return Errors.KAFKA_STORAGE_ERROR;
        }
        if (!result.succeeded()) {
            log.warn("Could not write {} {} record(s) to {}: {} {}", entries.size(), what, name(), result.error(),
                    result.errorMessage() == null ? "" : result.errorMessage());
        }
        return result.error();
    }

    /**
     * Reads the partition from its log start offset to its current end and hands every record's
     * key and value (null for a tombstone) to {@code sink}. A record the sink cannot decode (it
     * throws IllegalArgumentException or IllegalStateException) is skipped with a warning.
     *
     * @return the number of records replayed
     */
    public long replay(int bufferBytes, BiConsumer<ByteBuffer, ByteBuffer> sink) {
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
                if (batch.isControlBatch()) {
                    continue;
                }
                for (Record record : batch) {
                    if (record.offset() < offset || !record.hasKey()) {
                        continue;
                    }
                    try {
                        sink.accept(record.key(), record.hasValue() ? record.value() : null);
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
}
