package io.skein.coordinator.group;

import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.PartitionLog;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code __consumer_offsets} partition seen by its coordinator: appends group and offset
 * records as one batch per change (so a change is all or nothing), and replays the partition from
 * its start when the coordinator loads it.
 *
 * <p>Threading: {@link #append} is called with the owning shard's lock held; {@link #replay} by
 * the loading thread before the shard serves requests.
 */
final class GroupLog {

    private static final Logger log = LoggerFactory.getLogger(GroupLog.class);

    private final PartitionLog partitionLog;
    private final int leaderEpoch;

    GroupLog(PartitionLog partitionLog, int leaderEpoch) {
        this.partitionLog = partitionLog;
        this.leaderEpoch = leaderEpoch;
    }

    String name() {
        return partitionLog.topicPartition().toString();
    }

    /** A key and value (null for a tombstone) to append. */
    record Entry(byte[] key, byte[] value) {
    }

    /**
     * Appends the entries as one batch. Returns NONE when they are in the log, or the storage
     * error; callers turn it into what their API answers with ({@link #asOffsetCommitError},
     * {@link #asGroupError}).
     */
    Errors append(List<Entry> entries, long nowMs) {
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
            log.warn("Could not write {} group coordinator record(s) to {}: {}", entries.size(), name(), e.toString());
            return Errors.KAFKA_STORAGE_ERROR;
        }
        if (!result.succeeded()) {
            log.warn("Could not write {} group coordinator record(s) to {}: {} {}", entries.size(), name(),
                    result.error(), result.errorMessage() == null ? "" : result.errorMessage());
        }
        return result.error();
    }

    /** The OffsetCommit answer for a failed write, as Kafka maps it. */
    static Errors asOffsetCommitError(Errors storage) {
        return switch (storage) {
            case NONE -> Errors.NONE;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.INVALID_COMMIT_OFFSET_SIZE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            default -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }

    /** The answer for a failed group write (SyncGroup, a static member's rejoin, deletions), as Kafka maps it. */
    static Errors asGroupError(Errors storage) {
        return switch (storage) {
            case NONE -> Errors.NONE;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            default -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }

    /**
     * Reads the partition from its log start offset to its current end and hands every record's
     * decoded form to {@code sink}. Records that do not decode are skipped with a warning.
     *
     * @return the number of records replayed
     */
    long replay(int bufferBytes, Consumer<GroupRecords.Decoded> sink) {
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
                        sink.accept(GroupRecords.decode(record.key(), record.hasValue() ? record.value() : null));
                        count++;
                    } catch (IllegalArgumentException e) {
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
