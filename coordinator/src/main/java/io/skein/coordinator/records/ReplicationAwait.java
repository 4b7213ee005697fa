package io.skein.coordinator.records;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * How a coordinator learns that what it appended to its internal-topic partition is committed:
 * below the partition's high watermark, so in every in-sync replica (Kafka appends coordinator
 * records with acks=all). The broker implements it over its produce purgatory; the coordinator
 * module does not depend on the broker. On a single node or RF=1 the high watermark passes an
 * append at once. The coordinator also says when it appended ({@link #appended}), as every other
 * writer of a leader's log does, so the followers fetch the append at once instead of after their
 * fetch's {@code replica.fetch.wait.max.ms}.
 *
 * <p>Threading: every method may be called with a shard's lock held and never blocks. The future
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
        public void appended(TopicPartition tp) {
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
     * Records were just appended to {@code tp} (whether or not anyone waits for their commit): the
     * fetches parked on it, the followers' above all, are answered now. Without this a follower
     * would learn of the append only when its long-poll fetch expired, and the commit would wait
     * that long (Kafka's leaders wake the followers' fetches after every append, coordinator
     * appends included).
     */
    void appended(TopicPartition tp);

    /**
     * Completes with NONE once the high watermark of {@code tp} reaches {@code requiredOffset} (the
     * offset after the append); NOT_LEADER_OR_FOLLOWER when this node stops leading {@code tp} at
     * {@code leaderEpoch}; NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below
     * {@code min.insync.replicas} meanwhile; REQUEST_TIMED_OUT after {@code timeoutMs}.
     */
    CompletableFuture<Errors> awaitCommitted(TopicPartition tp, int leaderEpoch, long requiredOffset, long timeoutMs);
}
