package io.skein.broker.server;

import io.skein.broker.partition.Partitions;
import io.skein.coordinator.group.GroupCoordinator;
import io.skein.coordinator.producerid.ProducerIdAllocator;
import io.skein.coordinator.transaction.TransactionMarkers;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.common.protocol.Errors;

/**
 * How the transaction coordinator is connected to the rest of the node: where its markers go
 * (and that a marker in {@code __consumer_offsets} reaches the group coordinator), and where its
 * producer ids come from. Stateless.
 */
final class TransactionWiring {

    /** How long InitProducerId for a new transactional id waits for the controller to reserve a block of ids. */
    private static final long PRODUCER_ID_WAIT_MS = 10_000;

    /** Marks the absence of a marker writer: no transaction could ever end, so no transaction API is served. */
    private static final TransactionMarkers NONE = (producerId, epoch, commit, coordinatorEpoch, partitions) ->
            CompletableFuture.completedFuture(Errors.COORDINATOR_NOT_AVAILABLE);

    private TransactionWiring() {
    }

    static TransactionMarkers markers(Partitions partitions, GroupCoordinator groups, Clock clock) {
        return NONE;
    }

    static boolean servesTransactions(TransactionMarkers markers) {
        return markers != NONE;
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
