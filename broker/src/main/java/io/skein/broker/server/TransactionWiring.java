package io.skein.broker.server;

import io.skein.broker.partition.Partitions;
import io.skein.broker.purgatory.Purgatory;
import io.skein.broker.txn.ClusterTransactionMarkers;
import io.skein.broker.txn.LocalTransactionMarkers;
import io.skein.coordinator.group.GroupCoordinator;
import io.skein.coordinator.producerid.ProducerIdAllocator;
import io.skein.coordinator.transaction.TransactionMarkers;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the transaction coordinator is connected to the rest of the node: where its markers go
 * (and that a marker in {@code __consumer_offsets} reaches the group coordinator), and where its
 * producer ids come from. Stateless.
 */
final class TransactionWiring {

    private static final Logger log = LoggerFactory.getLogger(TransactionWiring.class);

    /** How long InitProducerId for a new transactional id waits for the controller to reserve a block of ids. */
    private static final long PRODUCER_ID_WAIT_MS = 10_000;

    private TransactionWiring() {
    }

    /**
     * Markers go to the partitions this node leads; a marker in {@code __consumer_offsets} also
     * completes the producer's transactional offset commits in the group coordinator.
     */
    static LocalTransactionMarkers localMarkers(Partitions partitions, Purgatory<TopicPartition> fetchPurgatory,
                                                GroupCoordinator groups, Clock clock) {
        LocalTransactionMarkers markers = new LocalTransactionMarkers(partitions, fetchPurgatory, clock);
        markers.addListener((tp, producerId, commit) -> {
            if (Topic.GROUP_METADATA_TOPIC_NAME.equals(tp.topic())) {
                groups.onTransactionMarker(tp.partition(), producerId, commit);
            }
        });
        return markers;
    }

    /**
     * The coordinator's view of {@code markers} (this node's partitions and, through WriteTxnMarkers,
     * the other leaders'): markers complete once replicated to the in-sync replicas (as Kafka
     * appends them with acks=all); a partition whose topic was deleted since it joined the
     * transaction needs no marker (as in Kafka), so it does not hold the transaction's completion
     * back; any other failure is reported and the coordinator retries (the only retry loop: each
     * attempt routes by the latest leaders).
     */
    static TransactionMarkers forCoordinator(ClusterTransactionMarkers markers) {
        return (producerId, epoch, commit, coordinatorEpoch, partitions) -> markers.writeAll(producerId,
                epoch, commit, coordinatorEpoch, partitions).thenApply(results -> {
                    Errors first = Errors.NONE;
                    for (Map.Entry<TopicPartition, Errors> r : results.entrySet()) {
                        if (r.getValue() == Errors.UNKNOWN_TOPIC_OR_PARTITION) {
                            log.info("No {} marker for producer {} in {}: the partition no longer exists",
                                    commit ? "COMMIT" : "ABORT", producerId, r.getKey());
                        } else if (r.getValue() != Errors.NONE && first == Errors.NONE) {
                            first = r.getValue();
                        }
                    }
                    return first;
                });
    }

    /**
     * Producer ids for new transactional ids, taken while the coordinator holds the id's shard lock:
     * usually from the reserved block at once; at a block's end this waits for the controller.
     *
     * @throws IllegalStateException when no id arrives in time (the client is told to retry)
     */
    static LongSupplier blockingProducerIds(ProducerIdAllocator allocator) {
        return () -> {
            try {
                return allocator.nextId().get(PRODUCER_ID_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for a producer id block", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("no producer id block from the controller: " + e, e);
            }
        };
    }
}
