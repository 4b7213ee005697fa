package io.skein.log.compaction;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Decides, for the rewrite pass, which records of a segment survive:
 * <ul>
 * <li>control batches (transaction markers) are kept as they are;</li>
 * <li>a record without a key is dropped (a compacted topic refuses them; they can only come from
 *     before the policy changed), as Kafka's cleaner does;</li>
 * <li>a record whose key has a later offset in the map is dropped;</li>
 * <li>a tombstone (null value) is dropped once its segment's largest timestamp is older than
 *     {@code now - delete.retention.ms}, or its batch's delete horizon (KIP-534, set when a
 *     tombstone was first retained by a cleaning) has passed; until then it is kept;</li>
 * <li>a batch left without records is dropped, except the last batch of each producer id, kept
 *     empty (header only, same base offset, last offset delta, producer id, epoch and base
 *     sequence) so the producer's state and sequence checks survive cleaning, as in Kafka, and
 *     the last batch of each cleaned segment (see {@link #groupLastOffset}).</li>
 * </ul>
 * Batches that keep every record are copied as they are; the others are rebuilt with the original
 * codec, base offset, last offset and producer fields (kafka-clients' {@code MemoryRecords.filterTo}).
 *
 * <p>Threading: owned by one cleaner thread; {@link #segmentMaxTimestamp} is set before each segment.
 */
final class RetentionFilter extends MemoryRecords.RecordFilter {

    private final OffsetMap map;
    private final KeyHasher hasher;
    private final Map<Long, Long> lastBatchOfProducer;
    private long segmentMaxTimestamp;
    private long groupLastOffset = -1;

    RetentionFilter(long nowMs, long deleteRetentionMs, OffsetMap map, KeyHasher hasher,
                    Map<Long, Long> lastBatchOfProducer) {
        super(nowMs, deleteRetentionMs);
        this.map = map;
        this.hasher = hasher;
        this.lastBatchOfProducer = lastBatchOfProducer;
    }

    void segmentMaxTimestamp(long timestamp) {
        this.segmentMaxTimestamp = timestamp;
    }

    /**
     * The last offset of the segments rewritten into one cleaned segment: the batch ending there
     * is kept (empty if need be), so the cleaned segment always says how far it reaches and an
     * interrupted swap knows exactly which old segments it replaces.
     */
    void groupLastOffset(long offset) {
        this.groupLastOffset = offset;
    }

    @Override
    protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
        if (batch.isControlBatch()) {
            return new BatchRetentionResult(BatchRetention.RETAIN_EMPTY, false);
        }
        Long last = batch.hasProducerId() ? lastBatchOfProducer.get(batch.producerId()) : null;
        boolean producersLast = last != null && last == batch.baseOffset();
        boolean groupsLast = batch.lastOffset() == groupLastOffset;
        return new BatchRetentionResult(producersLast || groupsLast ? BatchRetention.RETAIN_EMPTY
                : BatchRetention.DELETE_EMPTY, false);
    }

    @Override
    protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
        if (batch.isControlBatch()) {
            return true;
        }
        if (!record.hasKey()) {
            return false;
        }
        ByteBuffer key = record.key();
        hasher.hash(key);
        long latest = map.get(hasher.high(), hasher.low());
        if (latest > record.offset()) {
            return false;
        }
        if (!record.hasValue()) {
            return !tombstoneExpired(batch);
        }
        return true;
    }

    private boolean tombstoneExpired(RecordBatch batch) {
        if (segmentMaxTimestamp >= 0 && segmentMaxTimestamp < currentTime - deleteRetentionMs) {
            return true;
        }
        var horizon = batch.deleteHorizonMs();
        return horizon.isPresent() && currentTime >= horizon.getAsLong();
    }
}
