package io.skein.log.compaction;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Decides, for the rewrite pass, which records of a segment survive:
 * <ul>
 * <li>records of aborted transactions are dropped, and transaction markers are kept until their
 *     transaction has no data left and {@code delete.retention.ms} has passed since a cleaning
 *     first found that ({@link CleanedTransactions}, the batch's delete horizon); until then
 *     they are kept as they are;</li>
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
    private final CleanedTransactions transactions;
    /** Whether the current batch's records all go (aborted data, or an expired marker); set per batch. */
    private boolean discardBatchRecords;
    private long segmentMaxTimestamp;
    private long groupLastOffset = -1;

    RetentionFilter(long nowMs, long deleteRetentionMs, OffsetMap map, KeyHasher hasher,
                    Map<Long, Long> lastBatchOfProducer, CleanedTransactions transactions) {
        super(nowMs, deleteRetentionMs);
        this.transactions = transactions;
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
        boolean markerMayGo = false;
        if (batch.isControlBatch()) {
            markerMayGo = transactions.onControlBatch(batch);
            var horizon = batch.deleteHorizonMs();
            discardBatchRecords = markerMayGo && horizon.isPresent() && horizon.getAsLong() <= currentTime;
        } else {
            discardBatchRecords = transactions.onDataBatch(batch);
        }
        Long last = batch.hasProducerId() ? lastBatchOfProducer.get(batch.producerId()) : null;
        boolean producersLast = last != null && last == batch.baseOffset();
        boolean groupsLast = batch.lastOffset() == groupLastOffset;
        BatchRetention retention = producersLast || groupsLast ? BatchRetention.RETAIN_EMPTY
                : discardBatchRecords ? BatchRetention.DELETE : BatchRetention.DELETE_EMPTY;
        if (batch.isControlBatch() && retention == BatchRetention.DELETE_EMPTY) {
            retention = BatchRetention.RETAIN_EMPTY; // a marker kept is kept whole
        }
        // a marker that may go gets its delete horizon set (once), so a later cleaning can drop it
        return new BatchRetentionResult(retention, markerMayGo);
    }

    @Override
    protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
        if (discardBatchRecords) {
            return false;
        }
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
