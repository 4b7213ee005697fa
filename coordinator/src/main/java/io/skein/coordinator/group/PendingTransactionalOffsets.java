package io.skein.coordinator.group;

import io.skein.coordinator.records.CoordinatorLog;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets a transactional producer committed through TxnOffsetCommit in one
 * {@code __consumer_offsets} partition that wait for its transaction's marker: a COMMIT marker
 * makes them the group's committed offsets, an ABORT marker drops them. Also tracks, per producer
 * id, the epoch and next sequence of the transactional batches this coordinator writes to the
 * partition, since the log checks them as it checks a producer's.
 *
 * <p>Threading: guarded by the owning {@link GroupShard}'s lock (or used by the loading thread
 * alone before the shard serves requests).
 */
final class PendingTransactionalOffsets {

    /** The epoch of a producer's last batch in this partition and the sequence its next batch takes. */
    private record Sequence(short epoch, int next) {
    }

    private final Map<Long, Map<String, Map<TopicPartition, CommittedOffset>>> byProducer = new HashMap<>();
    private final Map<Long, Sequence> sequences = new HashMap<>();

    /** The base sequence for the next batch of {@code producerId} at {@code epoch}: 0 at a new epoch. */
    int nextSequence(long producerId, short epoch) {
        Sequence s = sequences.get(producerId);
        return s == null || s.epoch() != epoch ? 0 : s.next();
    }

    /** A batch of {@code count} records of {@code producerId} at {@code epoch} starting at {@code baseSequence} is in the log. */
    void written(long producerId, short epoch, int baseSequence, int count) {
        sequences.put(producerId, new Sequence(epoch, baseSequence + count));
    }

    /** A replayed batch of a producer: its sequences continue after it. */
    void replayed(CoordinatorLog.BatchInfo batch) {
        if (batch.producerId() >= 0 && batch.lastSequence() >= 0) {
            sequences.put(batch.producerId(), new Sequence(batch.producerEpoch(), batch.lastSequence() + 1));
        }
    }

    void stage(long producerId, String group, TopicPartition tp, CommittedOffset offset) {
        byProducer.computeIfAbsent(producerId, p -> new HashMap<>())
                .computeIfAbsent(group, g -> new HashMap<>()).put(tp, offset);
    }

    /** Removes and returns the producer's pending offsets, by group (empty when it has none). */
    Map<String, Map<TopicPartition, CommittedOffset>> take(long producerId) {
        Map<String, Map<TopicPartition, CommittedOffset>> pending = byProducer.remove(producerId);
        return pending == null ? Map.of() : pending;
    }

    /** Whether some open transaction has an offset for the group's partition (OffsetFetch's require_stable). */
    boolean hasPending(String group, TopicPartition tp) {
        for (Map<String, Map<TopicPartition, CommittedOffset>> groups : byProducer.values()) {
            Map<TopicPartition, CommittedOffset> offsets = groups.get(group);
            if (offsets != null && offsets.containsKey(tp)) {
                return true;
            }
        }
        return false;
    }
}
