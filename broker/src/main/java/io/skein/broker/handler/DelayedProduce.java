package io.skein.broker.handler;

import io.skein.broker.partition.Partitions;
import io.skein.broker.purgatory.DelayedOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * An acks=all produce whose batches are appended on the leader, waiting until the ISR has them:
 * each partition is done when its high watermark reaches the end of its append (then
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR meanwhile shrank below {@code min.insync.replicas},
 * as Kafka answers) or when this node no longer leads it at the epoch it appended in
 * (NOT_LEADER_OR_FOLLOWER). The response goes once every partition is done, or at
 * {@code timeout_ms} with REQUEST_TIMED_OUT for the partitions still waiting.
 *
 * <p>Threading: {@link #isSatisfied} may run on several threads at once and only reads; the
 * purgatory runs {@link #onComplete} once.
 */
final class DelayedProduce extends DelayedOperation {

    /** One partition's append waiting for replication. */
    record Waiting(TopicPartition tp, PartitionProduceResponse out, int leaderEpoch, long requiredOffset) {
    }

    private final Partitions partitions;
    private final List<Waiting> waiting;
    private final ProduceResponseData response;
    private final CompletableFuture<ApiMessage> future;

    DelayedProduce(Partitions partitions, List<Waiting> waiting, ProduceResponseData response,
                   CompletableFuture<ApiMessage> future) {
        this.partitions = partitions;
        this.waiting = List.copyOf(waiting);
        this.response = response;
        this.future = future;
    }

    List<TopicPartition> keys() {
        List<TopicPartition> keys = new ArrayList<>(waiting.size());
        for (Waiting w : waiting) {
            keys.add(w.tp());
        }
        return keys;
    }

    @Override
    protected boolean isSatisfied() {
        for (Waiting w : waiting) {
            if (status(w) == null) {
                return false;
            }
        }
        return true;
    }

    /** The partition's answer, or null while it still waits. */
    private Errors status(Waiting w) {
        return partitions.replicationStatus(w.tp(), w.leaderEpoch(), w.requiredOffset());
    }

    @Override
    protected void onComplete() {
        try {
            for (Waiting w : waiting) {
                Errors status = status(w);
                if (status == null) {
                    status = Errors.REQUEST_TIMED_OUT;
                }
                if (status != Errors.NONE) {
                    w.out().setErrorCode(status.code()).setErrorMessage(message(status, w));
                }
            }
            future.complete(response);
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
    }

    private String message(Errors status, Waiting w) {
        return switch (status) {
            case REQUEST_TIMED_OUT -> "The in-sync replicas of " + w.tp() + " did not confirm offset "
                    + (w.requiredOffset() - 1) + " within the request timeout";
            case NOT_ENOUGH_REPLICAS_AFTER_APPEND -> "The ISR of " + w.tp()
                    + " shrank below min.insync.replicas after the append";
            case NOT_LEADER_OR_FOLLOWER -> "This broker no longer leads " + w.tp() + " at leader epoch "
                    + w.leaderEpoch();
            default -> null;
        };
    }
}
