package io.skein.broker.partition;

import io.skein.broker.purgatory.DelayedOperation;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * A coordinator's append to its internal-topic partition, waiting (in the produce purgatory,
 * keyed by partition) until the high watermark passes it, as an acks=all produce waits: NONE once
 * replicated (NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR meanwhile shrank below
 * {@code min.insync.replicas}), NOT_LEADER_OR_FOLLOWER when this node stopped leading the
 * partition at the epoch it appended in, REQUEST_TIMED_OUT when the wait ran out.
 *
 * <p>Threading: created on the coordinator's writing thread; {@link #isSatisfied} runs on whichever
 * thread moves the high watermark (or the timeout scheduler) and only reads published state; the
 * purgatory runs {@link #onComplete} once. The outcome is handed to {@code outcome}, which the
 * caller completes on its own executor.
 */
final class DelayedCoordinatorWrite extends DelayedOperation {

    private final Partitions partitions;
    private final TopicPartition tp;
    private final int leaderEpoch;
    private final long requiredOffset;
    private final CompletableFuture<Errors> outcome = new CompletableFuture<>();

    DelayedCoordinatorWrite(Partitions partitions, TopicPartition tp, int leaderEpoch, long requiredOffset) {
        this.partitions = partitions;
        this.tp = tp;
        this.leaderEpoch = leaderEpoch;
        this.requiredOffset = requiredOffset;
    }

    CompletableFuture<Errors> outcome() {
        return outcome;
    }

    @Override
    protected boolean isSatisfied() {
        return status() != null;
    }

    @Override
    protected void onComplete() {
        Errors status = status();
        outcome.complete(status == null ? Errors.REQUEST_TIMED_OUT : status);
    }

    /** The outcome, or null while it still waits. */
    private Errors status() {
        return partitions.replicationStatus(tp, leaderEpoch, requiredOffset);
    }
}
