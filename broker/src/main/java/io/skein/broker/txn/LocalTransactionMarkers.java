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
 * <p>Markers for partitions led elsewhere are not forwarded: the coordinator gets
 * NOT_LEADER_OR_FOLLOWER for them (the inter-broker client is another piece of work).
 *
 * <p>On a partition with followers in its ISR the marker is acknowledged once it is in the
 * leader's log, without waiting for the high watermark to pass it (the last stable offset does
 * wait: the transaction stays unstable until then).
 *
 * <p>Threading: {@link #write} and {@link #writeAll} run on the caller's thread (a request handler
 * or the coordinator) and append synchronously; the logs serialise their own appends. Listeners
 * are held in a copy-on-write list and called on that same thread, after the append.
 */
public final class LocalTransactionMarkers implements TransactionMarkers {

    private static final Logger log = LoggerFactory.getLogger(LocalTransactionMarkers.class);

    /** Told about each marker written to a log (e.g. the group coordinator, to materialise transactional offset commits). */
    @FunctionalInterface
    public interface MarkerListener {
        void onMarker(TopicPartition partition, long producerId, boolean commit);
    }

    private final Partitions partitions;
    private final Purgatory<TopicPartition> fetchPurgatory;
    private final Clock clock;
    private final List<MarkerListener> listeners = new CopyOnWriteArrayList<>();

    public LocalTransactionMarkers(Partitions partitions, Purgatory<TopicPartition> fetchPurgatory, Clock clock) {
        this.partitions = partitions;
        this.fetchPurgatory = fetchPurgatory;
        this.clock = clock;
    }

    public void addListener(MarkerListener listener) {
        listeners.add(listener);
    }

    /** Completes with NONE when every marker is written, else with the first partition's error. */
    @Override
    public CompletableFuture<Errors> write(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                                           Collection<TopicPartition> partitionsOfTxn) {
        Map<TopicPartition, Errors> results = writeAll(producerId, producerEpoch, commit, coordinatorEpoch,
                partitionsOfTxn);
        return CompletableFuture.completedFuture(results.values().stream().filter(e -> e != Errors.NONE).findFirst()
                .orElse(Errors.NONE));
    }

    /** Writes the marker to each partition; the error of each, in the given order. */
    public Map<TopicPartition, Errors> writeAll(long producerId, short producerEpoch, boolean commit,
                                               int coordinatorEpoch, Collection<TopicPartition> partitionsOfTxn) {
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        for (TopicPartition tp : partitionsOfTxn) {
            results.put(tp, writeOne(tp, producerId, producerEpoch, commit, coordinatorEpoch));
        }
        return results;
    }

    private Errors writeOne(TopicPartition tp, long producerId, short producerEpoch, boolean commit,
                            int coordinatorEpoch) {
        PartitionLookup lookup = partitions.lookup(tp);
        if (!lookup.ok()) {
            return lookup.error();
        }
        AppendResult result = lookup.partition().log().appendTransactionMarker(producerId, producerEpoch,
                coordinatorEpoch, commit, lookup.partition().leaderEpoch(), clock.millis());
        if (!result.succeeded()) {
            log.info("Refused the {} marker of producer {} (epoch {}, coordinator epoch {}) for {}: {} {}",
                    commit ? "COMMIT" : "ABORT", producerId, producerEpoch, coordinatorEpoch, tp, result.error(),
                    result.errorMessage());
            return result.error();
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
        return Errors.NONE;
    }
}
