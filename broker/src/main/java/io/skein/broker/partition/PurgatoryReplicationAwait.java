package io.skein.broker.partition;

import io.skein.broker.purgatory.Purgatory;
import io.skein.coordinator.records.ReplicationAwait;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The coordinators' view of replication on this node: an append to {@code __consumer_offsets} or
 * {@code __transaction_state} is committed when the partition's high watermark passes it, learnt
 * through the produce purgatory (woken whenever a high watermark may have moved), as acks=all
 * produces are.
 *
 * <p>Threading: thread-safe. Outcomes are handed over on the {@code skein-coordinator-commits}
 * thread, so a coordinator's continuation never runs under the locks of the thread that moved the
 * high watermark, and may take a shard's lock. {@link #close} stops that thread; a wait still open
 * then completes with NOT_LEADER_OR_FOLLOWER on the closing thread.
 */
public final class PurgatoryReplicationAwait implements ReplicationAwait, AutoCloseable {

    private final Partitions partitions;
    private final Purgatory<TopicPartition> producePurgatory;
    private final ExecutorService completions = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "skein-coordinator-commits");
        t.setDaemon(true);
        return t;
    });

    public PurgatoryReplicationAwait(Partitions partitions, Purgatory<TopicPartition> producePurgatory) {
        this.partitions = partitions;
        this.producePurgatory = producePurgatory;
    }

    @Override
    public Errors beforeAppend(TopicPartition tp) {
        PartitionLookup lookup = partitions.lookup(tp);
        if (!lookup.ok()) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        HostedPartition p = lookup.partition();
        return p.state().isr().size() < p.minInSyncReplicas() ? Errors.NOT_ENOUGH_REPLICAS : Errors.NONE;
    }

    @Override
    public CompletableFuture<Errors> awaitCommitted(TopicPartition tp, int leaderEpoch, long requiredOffset,
                                                    long timeoutMs) {
        DelayedCoordinatorWrite delayed = new DelayedCoordinatorWrite(partitions, tp, leaderEpoch, requiredOffset);
        if (delayed.tryComplete()) {
            return delayed.outcome(); // on the caller's thread: it is not a high-watermark mover
        }
        CompletableFuture<Errors> handedOver = new CompletableFuture<>();
        delayed.outcome().whenComplete((error, failure) -> {
            try {
                completions.execute(() -> handedOver.complete(error == null ? Errors.UNKNOWN_SERVER_ERROR : error));
            } catch (RejectedExecutionException closed) {
                handedOver.complete(Errors.NOT_LEADER_OR_FOLLOWER);
            }
        });
        producePurgatory.watch(delayed, List.of(tp), Math.max(0, timeoutMs));
        return handedOver;
    }

    @Override
    public void close() {
        completions.shutdown();
    }
}
