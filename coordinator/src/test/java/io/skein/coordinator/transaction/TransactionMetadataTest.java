package io.skein.coordinator.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TransactionMetadataTest {

    @Test
    void aTransactionGoesThroughItsStatesAndEndsWithoutPartitions() {
        TransactionMetadata txn = TransactionMetadata.fresh("tx", 7L, (short) 0, 60_000, (short) 2, 100L);
        TransactionLogEntry ongoing = txn.prepare(TransactionState.ONGOING, c -> c.addPartitions(List.of(
                new TopicPartition("a", 0), new TopicPartition("a", 1))).startTimestampMs(110L), 110L);
        assertTrue(txn.hasPendingTransition());
        assertEquals(TransactionState.EMPTY, txn.state(), "nothing changes before the entry is written");
        txn.complete(ongoing);
        assertEquals(2, txn.current().partitionCount());

        txn.complete(txn.prepare(TransactionState.ONGOING, c -> c.addPartitions(List.of(new TopicPartition("b", 3))),
                120L));
        assertEquals(3, txn.current().partitionCount());
        assertEquals(110L, txn.current().startTimestampMs());

        txn.complete(txn.prepare(TransactionState.PREPARE_COMMIT, c -> c, 130L));
        assertEquals(3, txn.current().partitionCount(), "markers still go to every partition");
        txn.complete(txn.prepare(TransactionState.COMPLETE_COMMIT, c -> c, 140L));
        assertEquals(0, txn.current().partitionCount());
        assertEquals(140L, txn.current().lastUpdateTimestampMs());
    }

    @Test
    void onlyKafkasTransitionsAreAllowed() {
        for (TransactionState from : TransactionState.values()) {
            for (TransactionState to : TransactionState.values()) {
                TransactionMetadata txn = new TransactionMetadata("tx", new TransactionLogEntry(1L, -1L, -1L, (short) 0,
                        1_000, from, new java.util.TreeMap<>(), 0L, -1L, (short) 0));
                if (to.validPrevious().contains(from)) {
                    txn.prepare(to, c -> c, 1L);
                } else {
                    assertThrows(IllegalStateException.class, () -> txn.prepare(to, c -> c, 1L), from + " -> " + to);
                }
            }
        }
        assertEquals(EnumSet.of(TransactionState.ONGOING), TransactionState.PREPARE_COMMIT.validPrevious());
        assertEquals(EnumSet.of(TransactionState.ONGOING, TransactionState.PREPARE_EPOCH_FENCE, TransactionState.EMPTY,
                TransactionState.COMPLETE_COMMIT, TransactionState.COMPLETE_ABORT), TransactionState.PREPARE_ABORT.validPrevious());
    }

    @Test
    void aPendingTransitionBlocksAnotherUntilItIsCompletedOrAbandoned() {
        TransactionMetadata txn = TransactionMetadata.fresh("tx", 7L, (short) 0, 60_000, (short) 2, 100L);
        txn.prepare(TransactionState.ONGOING, c -> c, 101L);
        assertThrows(IllegalStateException.class, () -> txn.prepare(TransactionState.ONGOING, c -> c, 102L));
        txn.abandon();
        assertFalse(txn.hasPendingTransition());
        assertEquals(TransactionState.EMPTY, txn.state());
        TransactionLogEntry other = txn.prepare(TransactionState.ONGOING, c -> c.producer(8L, (short) 1), 103L);
        assertThrows(IllegalStateException.class, () -> txn.complete(new TransactionLogEntry(9L, -1L, -1L, (short) 0,
                1, TransactionState.ONGOING, new java.util.TreeMap<>(), 0L, -1L, (short) 0)), "only the pending entry completes");
        txn.complete(other);
        assertEquals(8L, txn.current().producerId());
        assertEquals(1, txn.current().producerEpoch());
    }

    @Test
    void statesHaveKafkasIdsAndNames() {
        assertEquals(TransactionState.PREPARE_EPOCH_FENCE, TransactionState.fromId((byte) 7));
        assertEquals(TransactionState.COMPLETE_ABORT, TransactionState.fromDisplayName("CompleteAbort"));
        assertThrows(IllegalArgumentException.class, () -> TransactionState.fromId((byte) 8));
    }
}
