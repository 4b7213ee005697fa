package io.skein.coordinator.transaction;

import java.util.Collection;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * What the transaction coordinator decides for each request, as Kafka's coordinator decides it
 * for clients of the first transactions protocol (transactions version 0/1: librdkafka, older
 * Java clients, and kafka-clients 4 when {@code transaction.version} 2 is not finalized). Each
 * method looks at one transactional id's {@link TransactionMetadata} (under its shard's lock)
 * and returns either an immediate answer or the entry to write to {@code __transaction_state};
 * the caller writes it, then {@link TransactionMetadata#complete}s it and answers. No I/O here.
 *
 * EndTxn of transactions version 2 is decided by {@link TransactionV2Operations}; the partition
 * leaders' verification (KIP-890 part 1) by {@link #verify}.
 *
 * <p>Not covered: remembering an epoch fence whose write failed (Kafka does not bump the epoch
 * twice then).
 */
public final class TransactionOperations {

    /** The answer: an error (or NONE) to send now, or an entry to write first. */
    public sealed interface Decision {
    }

    /** Answer at once with {@code error} (NONE included: nothing to change). */
    public record Answer(Errors error) implements Decision {
    }

    /**
     * Write {@code entry}; then, for InitProducerId, answer with its producer id and epoch — unless
     * {@code fencedOpenTransaction}: the entry aborts the open transaction of a fenced producer, and
     * once its markers are written the client is told CONCURRENT_TRANSACTIONS so it retries.
     */
    public record Write(TransactionLogEntry entry, boolean fencedOpenTransaction) implements Decision {
    }

    private final LongSupplier producerIds;
    private final int maxTimeoutMs;

    /**
     * @param producerIds hands out new producer ids (from the controller's blocks)
     * @param maxTimeoutMs {@code transaction.max.timeout.ms}
     */
    public TransactionOperations(LongSupplier producerIds, int maxTimeoutMs) {
        this.producerIds = producerIds;
        this.maxTimeoutMs = maxTimeoutMs;
    }

    /** Kafka: an epoch this close to Short.MAX_VALUE cannot be bumped again; a new producer id is handed out. */
    static boolean isEpochExhausted(short epoch) {
        return epoch >= Short.MAX_VALUE - 1;
    }

    /** A new transactional id's metadata: a fresh producer id, epoch not yet assigned. */
    public TransactionMetadata create(String transactionalId, int timeoutMs, long nowMs) {
        return TransactionMetadata.fresh(transactionalId, producerIds.getAsLong(), TransactionMetadata.NO_PRODUCER_EPOCH,
                timeoutMs, (short) 0, nowMs);
    }

    /** Whether {@code timeoutMs} is acceptable (INVALID_TRANSACTION_TIMEOUT otherwise). */
    public boolean validTimeout(int timeoutMs) {
        return timeoutMs > 0 && timeoutMs <= maxTimeoutMs;
    }

    /**
     * InitProducerId with a transactional id. {@code expectedProducerId}/{@code expectedEpoch} are
     * -1 unless the producer is re-initialising (KIP-360) after an error.
     */
    public Decision initProducerId(TransactionMetadata txn, int timeoutMs, long expectedProducerId,
                                   short expectedEpoch, long nowMs) {
        TransactionLogEntry e = txn.current();
        boolean expected = expectedProducerId >= 0;
        if (txn.hasPendingTransition()) {
            return new Answer(Errors.CONCURRENT_TRANSACTIONS);
        }
        if (expected && !(e.producerEpoch() == TransactionMetadata.NO_PRODUCER_EPOCH
                || expectedProducerId == e.producerId()
                || (expectedProducerId == e.previousProducerId() && isEpochExhausted(expectedEpoch)))) {
            return new Answer(Errors.PRODUCER_FENCED);
        }
        return switch (e.state()) {
            case PREPARE_ABORT, PREPARE_COMMIT -> new Answer(Errors.CONCURRENT_TRANSACTIONS);
            case EMPTY, COMPLETE_ABORT, COMPLETE_COMMIT -> bumpOrRotate(txn, timeoutMs, expected, expectedEpoch, nowMs);
            case ONGOING -> fenceOpenTransaction(txn, nowMs);
            case DEAD, PREPARE_EPOCH_FENCE -> throw new IllegalStateException("transactional id "
                    + txn.transactionalId() + " is in state " + e.state().displayName() + ", which is never current");
        };
    }

    private Decision bumpOrRotate(TransactionMetadata txn, int timeoutMs, boolean expected, short expectedEpoch,
                                  long nowMs) {
        TransactionLogEntry e = txn.current();
        if (isEpochExhausted(e.producerEpoch()) && (!expected || expectedEpoch == e.producerEpoch())) {
            long rotated = producerIds.getAsLong();
            txn.lastProducerEpoch(expected ? e.producerEpoch() : TransactionMetadata.NO_PRODUCER_EPOCH);
            return new Write(txn.prepare(TransactionState.EMPTY, c -> c.previousProducerId(e.producerId())
                    .producer(rotated, (short) 0).timeoutMs(timeoutMs).startTimestampMs(-1), nowMs), false);
        }
        short epoch;
        short last;
        if (!expected || e.producerEpoch() == TransactionMetadata.NO_PRODUCER_EPOCH
                || expectedEpoch == e.producerEpoch()) {
            epoch = (short) (e.producerEpoch() + 1);
            last = expected ? e.producerEpoch() : TransactionMetadata.NO_PRODUCER_EPOCH;
        } else if (expectedEpoch == txn.lastProducerEpoch()) {
            // a retry of a bump whose answer the producer never got: the current epoch again
            epoch = e.producerEpoch();
            last = txn.lastProducerEpoch();
        } else {
            return new Answer(Errors.PRODUCER_FENCED);
        }
        txn.lastProducerEpoch(last);
        short newEpoch = epoch;
        return new Write(txn.prepare(TransactionState.EMPTY, c -> c.producer(e.producerId(), newEpoch)
                .timeoutMs(timeoutMs).startTimestampMs(-1), nowMs), false);
    }

    /** The producer's open transaction is aborted at a bumped epoch, fencing the old instance. */
    private Decision fenceOpenTransaction(TransactionMetadata txn, long nowMs) {
        TransactionLogEntry e = txn.current();
        if (e.producerEpoch() == Short.MAX_VALUE) {
            throw new IllegalStateException("transactional id " + txn.transactionalId() + " has no epoch left to fence");
        }
        short bumped = (short) (e.producerEpoch() + 1);
        txn.lastProducerEpoch(TransactionMetadata.NO_PRODUCER_EPOCH);
        return new Write(txn.prepare(TransactionState.PREPARE_ABORT, c -> c.producer(e.producerId(), bumped), nowMs),
                true);
    }

    /** AddPartitionsToTxn (client versions) and AddOffsetsToTxn (with the group's offsets partition). */
    public Decision addPartitions(TransactionMetadata txn, long producerId, short epoch,
                                  Collection<TopicPartition> partitions, long nowMs) {
        return addPartitions(txn, producerId, epoch, partitions, (short) 0, nowMs);
    }

    /**
     * As {@link #addPartitions(TransactionMetadata, long, short, Collection, long)}; a transaction
     * this starts records {@code clientTransactionVersion} (2: partitions added implicitly by the
     * produce path and TxnOffsetCommit, KIP-890 part 2).
     */
    public Decision addPartitions(TransactionMetadata txn, long producerId, short epoch,
                                  Collection<TopicPartition> partitions, short clientTransactionVersion, long nowMs) {
        if (txn == null || txn.current().producerId() != producerId) {
            return new Answer(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        TransactionLogEntry e = txn.current();
        if (e.producerEpoch() != epoch) {
            return new Answer(Errors.PRODUCER_FENCED);
        }
        if (txn.hasPendingTransition() || e.state().isPreparing()) {
            return new Answer(Errors.CONCURRENT_TRANSACTIONS);
        }
        if (e.state() == TransactionState.ONGOING && partitions.stream()
                .allMatch(tp -> e.partitions().getOrDefault(tp.topic(), java.util.Collections.emptySortedSet())
                        .contains(tp.partition()))) {
            return new Answer(Errors.NONE);
        }
        boolean starts = e.state() != TransactionState.ONGOING;
        return new Write(txn.prepare(TransactionState.ONGOING, c -> {
            c.addPartitions(partitions);
            return starts ? c.startTimestampMs(nowMs).clientTransactionVersion(clientTransactionVersion) : c;
        }, nowMs), false);
    }

    /**
     * KIP-890 part 1 (AddPartitionsToTxn v4 {@code verify_only}, and the produce path before a
     * transactional batch is appended): NONE for each partition in the producer's ongoing
     * transaction, INVALID_TXN_STATE for the others, so a late or stray write cannot land outside
     * (or after) its transaction.
     */
    public java.util.Map<TopicPartition, Errors> verify(TransactionMetadata txn, long producerId, short epoch,
                                                       Collection<TopicPartition> partitions) {
        java.util.Map<TopicPartition, Errors> out = new java.util.LinkedHashMap<>();
        Errors all = null;
        if (txn == null || txn.current().producerId() != producerId) {
            all = Errors.INVALID_PRODUCER_ID_MAPPING;
        } else if (txn.current().producerEpoch() != epoch) {
            all = Errors.PRODUCER_FENCED;
        } else if (txn.state() != TransactionState.ONGOING) {
            all = Errors.INVALID_TXN_STATE;
        }
        for (TopicPartition tp : partitions) {
            out.put(tp, all != null ? all : txn.current().partitions().getOrDefault(tp.topic(),
                    java.util.Collections.emptySortedSet()).contains(tp.partition()) ? Errors.NONE
                    : Errors.INVALID_TXN_STATE);
        }
        return out;
    }

    /** EndTxn from the producer: PrepareCommit or PrepareAbort to write, or Kafka's answer for a retry or a bad state. */
    public Decision endTransaction(TransactionMetadata txn, long producerId, short epoch, boolean commit, long nowMs) {
        if (txn == null || txn.current().producerId() != producerId) {
            return new Answer(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        TransactionLogEntry e = txn.current();
        if (epoch != e.producerEpoch()) {
            return new Answer(Errors.PRODUCER_FENCED);
        }
        if (txn.hasPendingTransition()) {
            return new Answer(Errors.CONCURRENT_TRANSACTIONS);
        }
        return switch (e.state()) {
            case ONGOING -> new Write(txn.prepare(commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT,
                    c -> c, nowMs), false);
            case COMPLETE_COMMIT -> new Answer(commit ? Errors.NONE : Errors.INVALID_TXN_STATE);
            case COMPLETE_ABORT -> new Answer(commit ? Errors.INVALID_TXN_STATE : Errors.NONE);
            case PREPARE_COMMIT -> new Answer(commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE);
            case PREPARE_ABORT -> new Answer(commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS);
            case EMPTY -> new Answer(Errors.INVALID_TXN_STATE);
            case DEAD, PREPARE_EPOCH_FENCE -> throw new IllegalStateException("transactional id "
                    + txn.transactionalId() + " is in state " + e.state().displayName() + ", which is never current");
        };
    }

    /** Every marker of a PrepareCommit/PrepareAbort was written: the completion to write. */
    public TransactionLogEntry complete(TransactionMetadata txn, long nowMs) {
        TransactionState done = switch (txn.state()) {
            case PREPARE_COMMIT -> TransactionState.COMPLETE_COMMIT;
            case PREPARE_ABORT -> TransactionState.COMPLETE_ABORT;
            default -> throw new IllegalStateException("transactional id " + txn.transactionalId()
                    + " has no transaction to complete in state " + txn.state().displayName());
        };
        TransactionLogEntry e = txn.current();
        if (e.nextProducerId() >= 0) {
            // transactions v2 with its epoch exhausted: the producer continues under the next producer id
            return txn.prepare(done, c -> c.previousProducerId(e.producerId()).producer(e.nextProducerId(), (short) 0)
                    .nextProducerId(-1), nowMs);
        }
        return txn.prepare(done, c -> c, nowMs);
    }

    /** A transaction open longer than its timeout is aborted at a bumped epoch (null: nothing to do). */
    public TransactionLogEntry abortIfTimedOut(TransactionMetadata txn, long nowMs) {
        TransactionLogEntry e = txn.current();
        if (e.state() != TransactionState.ONGOING || txn.hasPendingTransition()
                || e.startTimestampMs() + e.timeoutMs() > nowMs) {
            return null;
        }
        return ((Write) fenceOpenTransaction(txn, nowMs)).entry();
    }

    /** A transactional id idle longer than {@code transactional.id.expiration.ms} is removed (null: keep it). */
    public TransactionLogEntry expireIfIdle(TransactionMetadata txn, long expirationMs, long nowMs) {
        TransactionLogEntry e = txn.current();
        boolean settled = e.state() == TransactionState.EMPTY || e.state() == TransactionState.COMPLETE_COMMIT
                || e.state() == TransactionState.COMPLETE_ABORT;
        if (!settled || txn.hasPendingTransition() || e.lastUpdateTimestampMs() + expirationMs > nowMs) {
            return null;
        }
        return txn.prepare(TransactionState.DEAD, c -> c, nowMs);
    }
}
