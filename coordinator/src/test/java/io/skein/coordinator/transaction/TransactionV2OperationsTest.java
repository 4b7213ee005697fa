package io.skein.coordinator.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** EndTxn v5 (transactions version 2): an epoch bump per transaction end, retries, zombies, rotation. */
class TransactionV2OperationsTest {

    private static final TopicPartition A0 = new TopicPartition("a", 0);

    private final AtomicLong nextProducerId = new AtomicLong(2000);
    private final TransactionOperations ops = new TransactionOperations(nextProducerId::getAndIncrement, 900_000);
    private final TransactionV2Operations v2 = new TransactionV2Operations(nextProducerId::getAndIncrement);

    private static void write(TransactionMetadata txn, TransactionOperations.Decision d) {
        txn.complete(assertInstanceOf(TransactionOperations.Write.class, d).entry());
    }

    private TransactionMetadata ongoing(short epoch) {
        TransactionMetadata txn = new TransactionMetadata("tx", new TransactionLogEntry(1000L, -1, -1, epoch, 60_000,
                TransactionState.EMPTY, new TreeMap<>(), 1, -1, (short) 0));
        write(txn, ops.addPartitions(txn, 1000L, epoch, List.of(A0), TransactionV2Operations.VERSION, 2));
        return txn;
    }

    /** Ends the transaction as the coordinator does: the prepare, then (markers written) the completion. */
    private TransactionV2Operations.EndDecision end(TransactionMetadata txn, short epoch, boolean commit) {
        TransactionV2Operations.EndDecision d = v2.endTransaction(txn, 1000L, epoch, commit, 10);
        if (d.decision() instanceof TransactionOperations.Write) {
            write(txn, d.decision());
            txn.complete(ops.complete(txn, 11));
        }
        return d;
    }

    private static Errors error(TransactionV2Operations.EndDecision d) {
        return d.decision() instanceof TransactionOperations.Answer a ? a.error() : Errors.NONE;
    }

    @Test
    void everyEndBumpsTheEpochAndARetryIsAnsweredFromTheOutcome() {
        TransactionMetadata txn = ongoing((short) 0);
        TransactionV2Operations.EndDecision committed = end(txn, (short) 0, true);
        assertEquals(Errors.NONE, error(committed));
        assertEquals(1, committed.producerEpoch());
        assertEquals(TransactionState.COMPLETE_COMMIT, txn.state());
        assertEquals(TransactionV2Operations.VERSION, txn.current().clientTransactionVersion());

        TransactionV2Operations.EndDecision retried = end(txn, (short) 0, true);
        assertEquals(Errors.NONE, error(retried), "a retry of the commit");
        assertEquals(1, retried.producerEpoch());
        assertEquals(Errors.INVALID_TXN_STATE, error(end(txn, (short) 0, false)), "an abort of what committed");

        write(txn, ops.addPartitions(txn, 1000L, (short) 1, List.of(A0), TransactionV2Operations.VERSION, 12));
        assertEquals(2, end(txn, (short) 1, false).producerEpoch(), "0, then 2 after a commit and an abort");
    }

    @Test
    void aZombieAndALateCommitOfATimedOutTransactionAreRefused() {
        TransactionMetadata txn = ongoing((short) 3);
        TransactionLogEntry abort = ops.abortIfTimedOut(txn, 1_000_000);
        txn.complete(abort);
        txn.complete(ops.complete(txn, 1_000_001));
        assertEquals(4, txn.current().producerEpoch());

        assertEquals(Errors.INVALID_TXN_STATE, error(end(txn, (short) 3, true)), "late commit of a timed-out txn");
        assertEquals(Errors.PRODUCER_FENCED, error(end(txn, (short) 2, true)), "a zombie");
        assertEquals(Errors.INVALID_PRODUCER_ID_MAPPING,
                error(v2.endTransaction(txn, 999L, (short) 4, true, 20)));
    }

    @Test
    void anExhaustedEpochMovesToTheNextProducerId() {
        short last = (short) (Short.MAX_VALUE - 1);
        TransactionMetadata txn = ongoing(last);
        TransactionV2Operations.EndDecision committed = end(txn, last, true);
        assertEquals(2000L, committed.producerId());
        assertEquals(0, committed.producerEpoch());
        assertEquals(2000L, txn.current().producerId());
        assertEquals(1000L, txn.current().previousProducerId());

        assertEquals(Errors.NONE, error(end(txn, last, true)), "a retry with the old producer id");
    }
}
