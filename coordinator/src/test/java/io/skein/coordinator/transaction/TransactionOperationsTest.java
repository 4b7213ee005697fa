package io.skein.coordinator.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class TransactionOperationsTest {

    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition B1 = new TopicPartition("b", 1);

    private final AtomicLong nextProducerId = new AtomicLong(1000);
    private final TransactionOperations ops = new TransactionOperations(nextProducerId::getAndIncrement, 900_000);

    /** Writes the decided entry (as the coordinator does after its log append succeeds). */
    private static TransactionLogEntry written(TransactionMetadata txn, TransactionOperations.Decision d) {
        TransactionOperations.Write w = assertInstanceOf(TransactionOperations.Write.class, d);
        txn.complete(w.entry());
        return w.entry();
    }

    private static Errors answer(TransactionOperations.Decision d) {
        return assertInstanceOf(TransactionOperations.Answer.class, d).error();
    }

    private TransactionMetadata initialized(long nowMs) {
        TransactionMetadata txn = ops.create("tx", 60_000, nowMs);
        TransactionLogEntry first = written(txn, ops.initProducerId(txn, 60_000, -1, (short) -1, nowMs));
        assertEquals(1000L, first.producerId());
        assertEquals(0, first.producerEpoch());
        return txn;
    }

    @Test
    void aTransactionCommitsAndARetriedEndTxnIsAnsweredFromItsOutcome() {
        TransactionMetadata txn = initialized(10);
        assertEquals(Errors.INVALID_PRODUCER_ID_MAPPING, answer(ops.addPartitions(txn, 999L, (short) 0, List.of(A0), 11)));
        assertEquals(Errors.PRODUCER_FENCED, answer(ops.addPartitions(txn, 1000L, (short) 5, List.of(A0), 11)));
        TransactionLogEntry ongoing = written(txn, ops.addPartitions(txn, 1000L, (short) 0, List.of(A0), 12));
        assertEquals(TransactionState.ONGOING, ongoing.state());
        assertEquals(12L, ongoing.startTimestampMs());
        assertEquals(Errors.NONE, answer(ops.addPartitions(txn, 1000L, (short) 0, List.of(A0), 13)), "already added");
        assertEquals(2, written(txn, ops.addPartitions(txn, 1000L, (short) 0, List.of(B1), 14)).partitionCount());

        TransactionOperations.Write prepare = assertInstanceOf(TransactionOperations.Write.class,
                ops.endTransaction(txn, 1000L, (short) 0, true, 20));
        assertEquals(TransactionState.PREPARE_COMMIT, prepare.entry().state());
        assertEquals(Errors.CONCURRENT_TRANSACTIONS, answer(ops.endTransaction(txn, 1000L, (short) 0, true, 21)),
                "the PrepareCommit write is still pending");
        txn.complete(prepare.entry());
        assertEquals(Errors.CONCURRENT_TRANSACTIONS, answer(ops.endTransaction(txn, 1000L, (short) 0, true, 22)),
                "markers are being written");
        assertEquals(Errors.INVALID_TXN_STATE, answer(ops.endTransaction(txn, 1000L, (short) 0, false, 22)));
        TransactionLogEntry done = ops.complete(txn, 30);
        txn.complete(done);
        assertEquals(TransactionState.COMPLETE_COMMIT, done.state());
        assertEquals(0, done.partitionCount());
        assertEquals(Errors.NONE, answer(ops.endTransaction(txn, 1000L, (short) 0, true, 31)), "a retried commit");
        assertEquals(Errors.INVALID_TXN_STATE, answer(ops.endTransaction(txn, 1000L, (short) 0, false, 31)));
    }

    @Test
    void aNewInstanceFencesTheOldOneAndAbortsItsOpenTransaction() {
        TransactionMetadata txn = initialized(10);
        written(txn, ops.addPartitions(txn, 1000L, (short) 0, List.of(A0), 11));

        TransactionOperations.Write fence = assertInstanceOf(TransactionOperations.Write.class,
                ops.initProducerId(txn, 60_000, -1, (short) -1, 20));
        assertTrue(fence.fencedOpenTransaction());
        assertEquals(TransactionState.PREPARE_ABORT, fence.entry().state());
        assertEquals(1, fence.entry().producerEpoch(), "the open transaction is aborted at a bumped epoch");
        txn.complete(fence.entry());
        assertEquals(Errors.PRODUCER_FENCED, answer(ops.endTransaction(txn, 1000L, (short) 0, true, 21)),
                "the old instance is fenced");
        assertEquals(Errors.CONCURRENT_TRANSACTIONS, answer(ops.initProducerId(txn, 60_000, -1, (short) -1, 22)),
                "the new instance retries until the abort completes");
        txn.complete(ops.complete(txn, 23));
        TransactionLogEntry fresh = written(txn, ops.initProducerId(txn, 60_000, -1, (short) -1, 24));
        assertEquals(TransactionState.EMPTY, fresh.state());
        assertEquals(2, fresh.producerEpoch());
    }

    @Test
    void openTransactionsTimeOutAndIdleTransactionalIdsExpire() {
        TransactionMetadata txn = initialized(0);
        written(txn, ops.addPartitions(txn, 1000L, (short) 0, List.of(A0), 100));
        assertNull(ops.abortIfTimedOut(txn, 60_099));
        TransactionLogEntry abort = ops.abortIfTimedOut(txn, 60_101);
        assertEquals(TransactionState.PREPARE_ABORT, abort.state());
        assertEquals(1, abort.producerEpoch());
        txn.complete(abort);
        txn.complete(ops.complete(txn, 60_200));
        assertNull(ops.expireIfIdle(txn, 1_000, 61_100));
        assertEquals(TransactionState.DEAD, ops.expireIfIdle(txn, 1_000, 61_201).state());
    }

    @Test
    void anExhaustedEpochRotatesTheProducerId() {
        TransactionMetadata txn = new TransactionMetadata("tx", new TransactionLogEntry(7L, -1L, -1L,
                (short) (Short.MAX_VALUE - 1), 60_000, TransactionState.COMPLETE_ABORT, new java.util.TreeMap<>(), 0L,
                -1L, (short) 0));
        TransactionLogEntry rotated = written(txn, ops.initProducerId(txn, 60_000, -1, (short) -1, 5));
        assertEquals(1000L, rotated.producerId());
        assertEquals(0, rotated.producerEpoch());
        assertEquals(7L, rotated.previousProducerId());
    }

    @Test
    void aReinitialisingProducerIsRecognisedAndAStrangerFenced() {
        TransactionMetadata txn = initialized(10);
        TransactionLogEntry bumped = written(txn, ops.initProducerId(txn, 60_000, 1000L, (short) 0, 11));
        assertEquals(1, bumped.producerEpoch());
        TransactionLogEntry retried = written(txn, ops.initProducerId(txn, 60_000, 1000L, (short) 0, 12));
        assertEquals(1, retried.producerEpoch(), "a retry of the same bump gets the same epoch");
        assertEquals(Errors.PRODUCER_FENCED, answer(ops.initProducerId(txn, 60_000, 555L, (short) 3, 13)));
        assertEquals(Errors.PRODUCER_FENCED, answer(ops.initProducerId(txn, 60_000, 1000L, (short) 9, 13)));
    }

    @Test
    void timeoutsAreBoundedByTheBrokersMaximum() {
        assertTrue(ops.validTimeout(900_000));
        assertEquals(false, ops.validTimeout(900_001));
        assertEquals(false, ops.validTimeout(0));
    }

    @Test
    void verificationAcceptsOnlyPartitionsOfTheOngoingTransaction() {
        TransactionMetadata txn = initialized(10);
        assertEquals(java.util.Map.of(A0, Errors.INVALID_TXN_STATE), ops.verify(txn, 1000L, (short) 0, List.of(A0)),
                "no transaction is open");
        written(txn, ops.addPartitions(txn, 1000L, (short) 0, List.of(A0), 11));

        assertEquals(java.util.Map.of(A0, Errors.NONE, B1, Errors.INVALID_TXN_STATE),
                ops.verify(txn, 1000L, (short) 0, List.of(A0, B1)));
        assertEquals(java.util.Map.of(A0, Errors.PRODUCER_FENCED), ops.verify(txn, 1000L, (short) 1, List.of(A0)));
        assertEquals(java.util.Map.of(A0, Errors.INVALID_PRODUCER_ID_MAPPING),
                ops.verify(txn, 7L, (short) 0, List.of(A0)));
        assertEquals(java.util.Map.of(A0, Errors.INVALID_PRODUCER_ID_MAPPING), ops.verify(null, 1000L, (short) 0,
                List.of(A0)));
    }
}
