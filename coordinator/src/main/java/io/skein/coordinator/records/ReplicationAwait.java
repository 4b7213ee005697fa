package io.skein.coordinator.records;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * How a coordinator learns that what it appended to its internal-topic partition is committed:
 * below the partition's high watermark, so in every in-sync replica (Kafka appends coordinator
 * records with acks=all). The broker implements it over its produce purgatory; the coordinator
 * module does not depend on the broker. On a single node or RF=1 the high watermark passes an
 * append at once.
 *
 * <p>Threading: both methods may be called with a shard's lock held and never block. The future
 * of {@link #awaitCommitted} completes on a thread that holds no partition or shard lock, so a
 * continuation may take a shard's lock.
 */
public interface ReplicationAwait {

    /** Commits at once: for a node whose partitions have no followers, and for tests. */
    ReplicationAwait IMMEDIATE = new ReplicationAwait() {
        @Override
        public Errors beforeAppend(TopicPartition tp) {
            return Errors.NONE;
        }

        @Override
        public CompletableFuture<Errors> awaitCommitted(TopicPartition tp, int leaderEpoch, long requiredOffset,
                                                        long timeoutMs) {
            return CompletableFuture.completedFuture(Errors.NONE);
        }
    };

    /**
     * Checked before an append: NONE, or NOT_ENOUGH_REPLICAS when the partition's ISR is below its
     * {@code min.insync.replicas} (nothing should be appended then, as for an acks=all produce).
     */
    Errors beforeAppend(TopicPartition tp);

    /**
     * Completes with NONE once the high watermark of {@code tp} reaches {@code requiredOffset} (the
     * offset after the append); NOT_LEADER_OR_FOLLOWER when this node stops leading {@code tp} at
     * {@code leaderEpoch}; NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below
     * {@code min.insync.replicas} meanwhile; REQUEST_TIMED_OUT after {@code timeoutMs}.
     */
    CompletableFuture<Errors> awaitCommitted(TopicPartition tp, int leaderEpoch, long requiredOffset, long timeoutMs);
}
