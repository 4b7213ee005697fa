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
 * produces are. An append wakes the fetches parked on its partition in the fetch purgatory, as a
 * produce's append does, so the followers fetch it at once and the high watermark can move.
 *
 * <p>Threading: thread-safe. Outcomes are handed over on the {@code skein-coordinator-commits}
 * thread, so a coordinator's continuation never runs under the locks of the thread that moved the
 * high watermark, and may take a shard's lock. {@link #close} stops that thread; a wait still open
 * then completes with NOT_LEADER_OR_FOLLOWER on the closing thread.
 */
public final class PurgatoryReplicationAwait implements ReplicationAwait, AutoCloseable {

    private final Partitions partitions;
    private final Purgatory<TopicPartition> producePurgatory;
    private final Purgatory<TopicPartition> fetchPurgatory;
    private final ExecutorService completions = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "skein-coordinator-commits");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param producePurgatory where a write waits for the high watermark; woken by whoever moves it
     * @param fetchPurgatory where the followers' (and consumers') fetches wait for appends
     */
    public PurgatoryReplicationAwait(Partitions partitions, Purgatory<TopicPartition> producePurgatory,
                                     Purgatory<TopicPartition> fetchPurgatory) {
        this.partitions = partitions;
        this.producePurgatory = producePurgatory;
        this.fetchPurgatory = fetchPurgatory;
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
    public void appended(TopicPartition tp) {
        fetchPurgatory.checkAndComplete(tp);
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
