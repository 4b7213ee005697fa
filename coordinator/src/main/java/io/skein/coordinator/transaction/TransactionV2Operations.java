package io.skein.coordinator.transaction;

import java.util.function.LongSupplier;
import org.apache.kafka.common.protocol.Errors;

/**
 * EndTxn as Kafka's coordinator decides it for clients of transactions version 2 (KIP-890 part
 * 2, EndTxn v5: kafka-clients 4 when the broker finalizes {@code transaction.version} 2). Every
 * transaction end bumps the producer epoch, so a zombie or a late retry can never write into the
 * next transaction; the client continues with the epoch (and, once the epoch is exhausted, the new
 * producer id) the answer carries. A retry of the last EndTxn is recognised by the epoch before
 * that bump and answered from the outcome. Partitions join the transaction implicitly, through
 * the produce path and TxnOffsetCommit ({@link TransactionOperations#addPartitions} with version
 * 2). Like {@link TransactionOperations}: decisions only, no I/O, under the shard's lock.
 *
 * <pre>
 *   Ongoing ──EndTxn(epoch e)──▶ PrepareCommit/PrepareAbort at e+1 ──markers at e+1──▶ Complete* at e+1
 *   Empty / Complete* ──EndTxn(abort, epoch e)──▶ PrepareAbort at e+1 (no partitions)  (abort of an empty transaction)
 *   epoch exhausted: the prepare record names the next producer id; completion switches to it at epoch 0
 * </pre>
 */
public final class TransactionV2Operations {

    /** Transactions version 2, as stored in {@code __transaction_state} values. */
    public static final short VERSION = 2;

    /** The decision and the producer id and epoch the client continues with. */
    public record EndDecision(TransactionOperations.Decision decision, long producerId, short producerEpoch) {
    }

    private final LongSupplier producerIds;

    public TransactionV2Operations(LongSupplier producerIds) {
        this.producerIds = producerIds;
    }

    public EndDecision endTransaction(TransactionMetadata txn, long producerId, short epoch, boolean commit,
                                      long nowMs) {
        if (txn == null) {
            return answer(Errors.INVALID_PRODUCER_ID_MAPPING, -1, (short) -1);
        }
        TransactionLogEntry e = txn.current();
        boolean currentId = producerId == e.producerId();
        boolean rotatedFrom = producerId >= 0 && producerId == e.previousProducerId();
        if (!currentId && !rotatedFrom) {
            return answer(Errors.INVALID_PRODUCER_ID_MAPPING, -1, (short) -1);
        }
        if (txn.hasPendingTransition()) {
            return answer(Errors.CONCURRENT_TRANSACTIONS, e);
        }
        boolean valid = currentId && epoch == e.producerEpoch();
        // the client did not get the answer to its last EndTxn: it still has the epoch before that bump
        boolean retry = currentId ? epoch == e.producerEpoch() - 1 : true;
        return switch (e.state()) {
            case ONGOING -> valid ? prepare(txn, commit, nowMs) : answer(Errors.PRODUCER_FENCED, e);
            case PREPARE_COMMIT, PREPARE_ABORT -> valid || retry
                    ? answer(commit == (e.state() == TransactionState.PREPARE_COMMIT)
                            ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE, e)
                    : answer(Errors.PRODUCER_FENCED, e);
            case COMPLETE_COMMIT, COMPLETE_ABORT -> {
                boolean committed = e.state() == TransactionState.COMPLETE_COMMIT;
                if (retry && !valid) {
                    yield answer(commit == committed ? Errors.NONE : Errors.INVALID_TXN_STATE, e);
                }
                yield valid ? (commit ? answer(Errors.INVALID_TXN_STATE, e) : prepare(txn, false, nowMs))
                        : answer(Errors.PRODUCER_FENCED, e);
            }
            case EMPTY -> valid ? (commit ? answer(Errors.INVALID_TXN_STATE, e) : prepare(txn, false, nowMs))
                    : answer(Errors.PRODUCER_FENCED, e);
            case DEAD, PREPARE_EPOCH_FENCE -> throw new IllegalStateException("transactional id "
                    + txn.transactionalId() + " is in state " + e.state().displayName() + ", which is never current");
        };
    }

    /** PrepareCommit or PrepareAbort at the bumped epoch, naming the next producer id once the epoch is exhausted. */
    private EndDecision prepare(TransactionMetadata txn, boolean commit, long nowMs) {
        TransactionLogEntry e = txn.current();
        long next = TransactionOperations.isEpochExhausted(e.producerEpoch()) ? producerIds.getAsLong() : -1L;
        short bumped = (short) (e.producerEpoch() + 1);
        TransactionLogEntry prepared = txn.prepare(commit ? TransactionState.PREPARE_COMMIT
                : TransactionState.PREPARE_ABORT, c -> c.producer(e.producerId(), bumped).nextProducerId(next)
                .clientTransactionVersion(VERSION), nowMs);
        return next >= 0 ? new EndDecision(new TransactionOperations.Write(prepared, false), next, (short) 0)
                : new EndDecision(new TransactionOperations.Write(prepared, false), e.producerId(), bumped);
    }

    private static EndDecision answer(Errors error, TransactionLogEntry e) {
        return answer(error, e.producerId(), e.producerEpoch());
    }

    private static EndDecision answer(Errors error, long producerId, short epoch) {
        return new EndDecision(new TransactionOperations.Answer(error), producerId, epoch);
    }
}
