package io.skein.coordinator.transaction;

import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.TopicPartition;

/**
 * One transactional id's state as the coordinator keeps it, changed in two steps like every
 * coordinator state backed by a log: {@link #prepare} computes the next entry (checking that the
 * state may be entered from the current one) and marks it pending; once the entry has been
 * written to {@code __transaction_state}, {@link #complete} makes it current (or
 * {@link #abandon} drops it if the write failed). While an entry is pending no other transition
 * may start; the APIs answer CONCURRENT_TRANSACTIONS then, as Kafka does.
 *
 * <p>Threading: guarded by the lock of the coordinator shard that owns the transactional id. The
 * future of {@link #whenSettled} is completed with that lock held, so whoever depends on it
 * continues asynchronously, on an executor of its own.
 */
public final class TransactionMetadata {

    private final String transactionalId;
    private TransactionLogEntry current;
    private TransactionLogEntry pending;
    /** The epoch before the last bump by InitProducerId, so a retried InitProducerId is recognised; in memory only. */
    private short lastProducerEpoch = NO_PRODUCER_EPOCH;
    /** Completed when the current PrepareCommit/PrepareAbort is followed by another state; null until asked for. */
    private CompletableFuture<Void> settled;

    /** RecordBatch.NO_PRODUCER_EPOCH. */
    public static final short NO_PRODUCER_EPOCH = -1;

    public TransactionMetadata(String transactionalId, TransactionLogEntry current) {
        this.transactionalId = transactionalId;
        this.current = current;
    }

    /** A new transactional id: Empty, the given producer id at epoch 0... or -1 until InitProducerId bumps it. */
    public static TransactionMetadata fresh(String transactionalId, long producerId, short epoch, int timeoutMs,
                                            short clientTransactionVersion, long nowMs) {
        return new TransactionMetadata(transactionalId, new TransactionLogEntry(producerId, -1, -1, epoch, timeoutMs,
                TransactionState.EMPTY, new TreeMap<>(), nowMs, -1, clientTransactionVersion));
    }

    public String transactionalId() {
        return transactionalId;
    }

    public TransactionLogEntry current() {
        return current;
    }

    public TransactionState state() {
        return current.state();
    }

    public boolean hasPendingTransition() {
        return pending != null;
    }

    public short lastProducerEpoch() {
        return lastProducerEpoch;
    }

    public void lastProducerEpoch(short epoch) {
        lastProducerEpoch = epoch;
    }


    /**
     * Completes once the transaction is no longer in PrepareCommit/PrepareAbort (its markers were
     * written and its completion too, or another state replaced it); at once when it is not
     * preparing now. Completed with the shard's lock held: depend on it asynchronously.
     */
    public CompletableFuture<Void> whenSettled() {
        if (!current.state().isPreparing()) {
            return CompletableFuture.completedFuture(null);
        }
        if (settled == null) {
            settled = new CompletableFuture<>();
        }
        return settled;
    }

    /** The changes a transition makes to the current entry, given to {@link #prepare}. */
    public static final class Change {
        private long producerId;
        private long previousProducerId;
        private long nextProducerId;
        private short producerEpoch;
        private int timeoutMs;
        private final SortedMap<String, SortedSet<Integer>> partitions = new TreeMap<>();
        private long startTimestampMs;
        private short clientTransactionVersion;

        private Change(TransactionLogEntry from) {
            producerId = from.producerId();
            previousProducerId = from.previousProducerId();
            nextProducerId = from.nextProducerId();
            producerEpoch = from.producerEpoch();
            timeoutMs = from.timeoutMs();
            from.partitions().forEach((t, ids) -> partitions.put(t, new TreeSet<>(ids)));
            startTimestampMs = from.startTimestampMs();
            clientTransactionVersion = from.clientTransactionVersion();
        }

        public Change producer(long id, short epoch) {
            producerId = id;
            producerEpoch = epoch;
            return this;
        }

        public Change previousProducerId(long id) {
            previousProducerId = id;
            return this;
        }

        public Change nextProducerId(long id) {
            nextProducerId = id;
            return this;
        }

        public Change timeoutMs(int ms) {
            timeoutMs = ms;
            return this;
        }

        public Change addPartitions(Iterable<TopicPartition> added) {
            for (TopicPartition tp : added) {
                partitions.computeIfAbsent(tp.topic(), t -> new TreeSet<>()).add(tp.partition());
            }
            return this;
        }

        public Change startTimestampMs(long ms) {
            startTimestampMs = ms;
            return this;
        }

        public Change clientTransactionVersion(short version) {
            clientTransactionVersion = version;
            return this;
        }
    }

    /**
     * Computes the transition to {@code target} with {@code changes} applied and makes it pending.
     * Entering a state that ends a transaction (Empty, CompleteCommit, CompleteAbort, Dead) clears
     * its partitions.
     *
     * @throws IllegalStateException when a transition is already pending or {@code target} may not
     *     follow the current state (a coordinator bug, not a client error: callers check first)
     */
    public TransactionLogEntry prepare(TransactionState target, UnaryOperator<Change> changes, long nowMs) {
        if (pending != null) {
            throw new IllegalStateException("Transactional id " + transactionalId + " already has a pending transition to "
                    + pending.state());
        }
        if (!target.validPrevious().contains(current.state())) {
            throw new IllegalStateException("Transactional id " + transactionalId + " cannot go from "
                    + current.state().displayName() + " to " + target.displayName());
        }
        Change c = changes.apply(new Change(current));
        SortedMap<String, SortedSet<Integer>> partitions = target.clearsPartitions() ? new TreeMap<>() : c.partitions;
        pending = new TransactionLogEntry(c.producerId, c.previousProducerId, c.nextProducerId, c.producerEpoch,
                c.timeoutMs, target, partitions, nowMs, c.startTimestampMs, c.clientTransactionVersion);
        return pending;
    }

    /** The pending entry was written: it becomes the current one. */
    public void complete(TransactionLogEntry written) {
        if (pending == null || !pending.equals(written)) {
            throw new IllegalStateException("Transactional id " + transactionalId + " completed a transition to "
                    + written.state() + " that was not the pending one");
        }
        current = written;
        pending = null;
        if (settled != null && !written.state().isPreparing()) {
            CompletableFuture<Void> done = settled;
            settled = null;
            done.complete(null);
        }
    }

    /** The pending entry could not be written: the current one stays. */
    public void abandon() {
        pending = null;
    }
}
