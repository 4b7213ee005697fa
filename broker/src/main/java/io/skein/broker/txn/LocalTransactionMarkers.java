package io.skein.broker.txn;

import io.skein.broker.partition.PartitionLookup;
import io.skein.broker.partition.Partitions;
import io.skein.broker.purgatory.Purgatory;
import io.skein.coordinator.transaction.TransactionMarkers;
import io.skein.log.api.AppendResult;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes transaction markers (COMMIT/ABORT control batches) to the partitions this node leads,
 * internal topics included ({@code __consumer_offsets} gets markers for transactional offset
 * commits). For each partition: NOT_LEADER_OR_FOLLOWER when another node leads it,
 * UNKNOWN_TOPIC_OR_PARTITION when it does not exist, otherwise the log's answer
 * ({@link io.skein.log.api.PartitionLog#appendTransactionMarker}: NONE, INVALID_PRODUCER_EPOCH,
 * TRANSACTION_COORDINATOR_FENCED, KAFKA_STORAGE_ERROR...). After a marker is in a log, fetches
 * parked on the partition are re-checked (the last stable offset may have moved) and every
 * {@link MarkerListener} is told.
 *
 * <p>A partition led elsewhere gets NOT_LEADER_OR_FOLLOWER here: routing markers to other
 * leaders is {@link ClusterTransactionMarkers}' work, which calls this class for this node's share.
 *
 * <p>{@link #write} (the coordinator's interface) and {@link #writeAllReplicated} (WriteTxnMarkers,
 * and this node's share of {@link ClusterTransactionMarkers#writeAll}) complete only once each
 * marker is below its partition's high watermark, as Kafka appends markers with acks=all.
 *
 * <p>Threading: the appends run on the caller's thread (a request handler or the coordinator); the
 * logs serialise their own appends. Listeners are held in a copy-on-write list and called on that
 * same thread, after the append. The replication wait completes on whichever thread moves the
 * high watermark past the last marker (at once, on the caller's thread, on a single node).
 */
public final class LocalTransactionMarkers implements TransactionMarkers {

    private static final Logger log = LoggerFactory.getLogger(LocalTransactionMarkers.class);

    /**
     * Told about each marker written to a log (e.g. the group coordinator, to materialise
     * transactional offset commits).
     */
    @FunctionalInterface
    public interface MarkerListener {
        void onMarker(TopicPartition partition, long producerId, boolean commit);
    }

    /** How long markers wait for the in-sync replicas by default (Kafka's {@code request.timeout.ms}). */
    public static final long DEFAULT_REPLICATION_TIMEOUT_MS = 30_000;

    private final Partitions partitions;
    private final Purgatory<TopicPartition> fetchPurgatory;
    private final Clock clock;
    private final long replicationTimeoutMs;
    private final List<MarkerListener> listeners = new CopyOnWriteArrayList<>();

    public LocalTransactionMarkers(Partitions partitions, Purgatory<TopicPartition> fetchPurgatory, Clock clock) {
        this(partitions, fetchPurgatory, clock, DEFAULT_REPLICATION_TIMEOUT_MS);
    }

    /** @param replicationTimeoutMs how long {@link #writeAllReplicated} waits for the in-sync replicas */
    public LocalTransactionMarkers(Partitions partitions, Purgatory<TopicPartition> fetchPurgatory, Clock clock,
                                   long replicationTimeoutMs) {
        this.partitions = partitions;
        this.fetchPurgatory = fetchPurgatory;
        this.clock = clock;
        this.replicationTimeoutMs = replicationTimeoutMs;
    }

    public void addListener(MarkerListener listener) {
        listeners.add(listener);
    }

    /**
     * Completes with NONE when every marker is written and replicated ({@link #writeAllReplicated}),
     * else with the first partition's error.
     */
    @Override
    public CompletableFuture<Errors> write(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                                           Collection<TopicPartition> partitionsOfTxn) {
        return writeAllReplicated(producerId, producerEpoch, commit, coordinatorEpoch, partitionsOfTxn)
                .thenApply(results -> results.values().stream().filter(e -> e != Errors.NONE).findFirst()
                        .orElse(Errors.NONE));
    }

    /**
     * Writes the marker to each partition and completes once every marker written is below its
     * partition's high watermark (at once on a partition whose only in-sync replica is this node),
     * with each partition's error in the given order ({@link DelayedMarkers}): what WriteTxnMarkers
     * answers, and what a coordinator should wait for before it calls the transaction complete.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> writeAllReplicated(long producerId, short producerEpoch,
            boolean commit, int coordinatorEpoch, Collection<TopicPartition> partitionsOfTxn) {
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (TopicPartition tp : partitionsOfTxn) {
            AppendResult result = writeOne(tp, producerId, producerEpoch, commit, coordinatorEpoch);
            errors.put(tp, result.error());
            if (result.succeeded()) {
                offsets.put(tp, result.baseOffset());
            }
        }
        DelayedMarkers delayed = new DelayedMarkers(partitions, errors, offsets);
        fetchPurgatory.watch(delayed, offsets.keySet(), replicationTimeoutMs);
        return delayed.future();
    }

    private AppendResult writeOne(TopicPartition tp, long producerId, short producerEpoch, boolean commit,
                                  int coordinatorEpoch) {
        PartitionLookup lookup = partitions.lookup(tp);
        if (!lookup.ok()) {
            return AppendResult.failure(lookup.error(), null, -1);
        }
        AppendResult result = lookup.partition().log().appendTransactionMarker(producerId, producerEpoch,
                coordinatorEpoch, commit, lookup.partition().leaderEpoch(), clock.millis());
        if (!result.succeeded()) {
            log.info("Refused the {} marker of producer {} (epoch {}, coordinator epoch {}) for {}: {} {}",
                    commit ? "COMMIT" : "ABORT", producerId, producerEpoch, coordinatorEpoch, tp, result.error(),
                    result.errorMessage());
            return result;
        }
        fetchPurgatory.checkAndComplete(tp);
        for (MarkerListener listener : listeners) {
            try {
                listener.onMarker(tp, producerId, commit);
            } catch (RuntimeException e) {
                log.error("A marker listener failed for the {} marker of producer {} in {}", commit ? "COMMIT" : "ABORT",
                        producerId, tp, e);
            }
        }
        return result;
    }
}
