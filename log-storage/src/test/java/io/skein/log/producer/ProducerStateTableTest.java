package io.skein.log.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ProducerStateTableTest {

    private final ProducerStateTable table = new ProducerStateTable();

    private void appended(long pid, short epoch, int firstSeq, int lastSeq, long firstOffset) {
        table.update(pid, epoch, new BatchMetadata(firstSeq, lastSeq, firstOffset,
                firstOffset + (lastSeq - firstSeq), 0L));
    }

    @Test
    void acceptsAnySequenceFromAnUnknownProducer() {
        assertTrue(table.check(1, (short) 3, 42, 50).accepted());
    }

    @Test
    void acceptsTheNextSequenceAfterIntegerMaxValueWrappingToZero() {
        appended(1, (short) 0, Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 0);

        assertTrue(table.check(1, (short) 0, 0, 4).accepted());
        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, table.check(1, (short) 0, 1, 4).error());
    }

    @Test
    void recognisesAnyOfTheLastFiveBatchesAsDuplicates() {
        for (int i = 0; i < 7; i++) {
            appended(1, (short) 0, i * 10, i * 10 + 9, i * 10L);
        }

        assertEquals(20, table.check(1, (short) 0, 20, 29).duplicateOf().firstOffset());
        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, table.check(1, (short) 0, 10, 19).error());
    }

    @Test
    void requiresSequenceZeroForANewEpochOfAKnownProducer() {
        appended(1, (short) 0, 0, 9, 0);

        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, table.check(1, (short) 1, 10, 19).error());
        assertTrue(table.check(1, (short) 1, 0, 9).accepted());
    }

    @Test
    void requiresSequenceZeroFirstInAnEpochAMarkerBumped() {
        appended(1, (short) 0, 0, 9, 0);
        table.endTransaction(1, (short) 1, 0, 10, false); // transactions v2: the marker carries the next epoch

        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, table.check(1, (short) 1, 10, 19).error());
        assertTrue(table.check(1, (short) 1, 0, 9).accepted());
        appended(1, (short) 1, 0, 9, 11);
        assertTrue(table.check(1, (short) 1, 10, 19).accepted());
    }

    @Test
    void rejectsAnEpochOlderThanTheKnownOne() {
        appended(1, (short) 5, 0, 9, 0);

        assertEquals(Errors.INVALID_PRODUCER_EPOCH, table.check(1, (short) 4, 10, 19).error());
    }

    @Test
    void computesTheLastSequenceWithWraparound() {
        assertEquals(9, ProducerStateTable.lastSequence(0, 9));
        assertEquals(1, ProducerStateTable.lastSequence(Integer.MAX_VALUE - 1, 3));
    }
}
