package io.skein.coordinator.transaction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogKey;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogValue;
import org.junit.jupiter.api.Test;

/**
 * Skein's {@code __transaction_state} codec against Kafka's own generated record classes
 * (kafka-transaction-coordinator, test scope): what Skein writes Kafka reads, field for field,
 * and what Kafka writes (versions 0 and 1) Skein reads.
 */
class TransactionRecordsTest {

    private static SortedMap<String, SortedSet<Integer>> partitions(Object... topicThenIds) {
        SortedMap<String, SortedSet<Integer>> out = new TreeMap<>();
        for (int i = 0; i < topicThenIds.length; i += 2) {
            out.put((String) topicThenIds[i], new TreeSet<>((List<Integer>) topicThenIds[i + 1]));
        }
        return out;
    }

    private static TransactionLogEntry ongoing() {
        return new TransactionLogEntry(4711L, 4700L, 4712L, (short) 3, 60_000, TransactionState.ONGOING,
                partitions("orders", List.of(0, 2), "payments", List.of(5)), 1_700_000_000_123L,
                1_700_000_000_000L, (short) 2);
    }

    @Test
    void theKeyIsKafkasVersionZeroKey() {
        byte[] ours = TransactionRecords.key("tx-é-1");
        byte[] kafkas = MessageUtil.toVersionPrefixedBytes((short) 0, new TransactionLogKey().setTransactionalId("tx-é-1"));
        assertArrayEquals(kafkas, ours);
        assertEquals("tx-é-1", TransactionRecords.readKey(ByteBuffer.wrap(ours)));
    }

    @Test
    void kafkaReadsWhatSkeinWrites() {
        TransactionLogEntry entry = ongoing();
        ByteBuffer bytes = ByteBuffer.wrap(TransactionRecords.value(entry));
        short version = bytes.getShort();
        assertEquals(1, version);
        TransactionLogValue kafka = new TransactionLogValue(new ByteBufferAccessor(bytes), version);
        assertEquals(0, bytes.remaining(), "Kafka's reader consumed exactly the value");
        assertEquals(4711L, kafka.producerId());
        assertEquals(4700L, kafka.previousProducerId());
        assertEquals(4712L, kafka.nextProducerId());
        assertEquals(3, kafka.producerEpoch());
        assertEquals(60_000, kafka.transactionTimeoutMs());
        assertEquals(TransactionState.ONGOING.id(), kafka.transactionStatus());
        assertEquals(2, kafka.transactionPartitions().size());
        assertEquals("orders", kafka.transactionPartitions().get(0).topic());
        assertEquals(List.of(0, 2), kafka.transactionPartitions().get(0).partitionIds());
        assertEquals(List.of(5), kafka.transactionPartitions().get(1).partitionIds());
        assertEquals(1_700_000_000_123L, kafka.transactionLastUpdateTimestampMs());
        assertEquals(1_700_000_000_000L, kafka.transactionStartTimestampMs());
        assertEquals(2, kafka.clientTransactionVersion());
    }

    @Test
    void skeinWritesTheSameBytesAsKafka() {
        TransactionLogEntry entry = ongoing();
        TransactionLogValue kafka = new TransactionLogValue().setProducerId(4711L).setPreviousProducerId(4700L)
                .setNextProducerId(4712L).setProducerEpoch((short) 3).setTransactionTimeoutMs(60_000)
                .setTransactionStatus(TransactionState.ONGOING.id())
                .setTransactionPartitions(List.of(
                        new TransactionLogValue.PartitionsSchema().setTopic("orders").setPartitionIds(List.of(0, 2)),
                        new TransactionLogValue.PartitionsSchema().setTopic("payments").setPartitionIds(List.of(5))))
                .setTransactionLastUpdateTimestampMs(1_700_000_000_123L)
                .setTransactionStartTimestampMs(1_700_000_000_000L).setClientTransactionVersion((short) 2);
        assertArrayEquals(MessageUtil.toVersionPrefixedBytes((short) 1, kafka), TransactionRecords.value(entry));
    }

    @Test
    void skeinReadsKafkasVersionZeroAndOneValues() {
        for (short version : new short[] {0, 1}) {
            TransactionLogValue kafka = new TransactionLogValue().setProducerId(9L).setProducerEpoch((short) 0)
                    .setTransactionTimeoutMs(1_000).setTransactionStatus(TransactionState.PREPARE_COMMIT.id())
                    .setTransactionPartitions(List.of(new TransactionLogValue.PartitionsSchema().setTopic("t")
                            .setPartitionIds(List.of(1))))
                    .setTransactionLastUpdateTimestampMs(20L).setTransactionStartTimestampMs(10L);
            TransactionLogEntry read = TransactionRecords.readValue(
                    ByteBuffer.wrap(MessageUtil.toVersionPrefixedBytes(version, kafka)));
            assertEquals(new TransactionLogEntry(9L, -1L, -1L, (short) 0, 1_000, TransactionState.PREPARE_COMMIT,
                    partitions("t", List.of(1)), 20L, 10L, (short) 0), read, "version " + version);
        }
    }

    @Test
    void anEmptyTransactionalIdHasNoPartitionListAtAll() {
        TransactionLogEntry empty = new TransactionLogEntry(5L, -1L, -1L, (short) 0, 1_000, TransactionState.EMPTY,
                new TreeMap<>(), 1L, -1L, (short) 0);
        ByteBuffer bytes = ByteBuffer.wrap(TransactionRecords.value(empty));
        short version = bytes.getShort();
        assertNull(new TransactionLogValue(new ByteBufferAccessor(bytes), version).transactionPartitions());
        assertEquals(empty, TransactionRecords.readValue(ByteBuffer.wrap(TransactionRecords.value(empty))));
    }

    @Test
    void badValuesAreRefusedWithAReason() {
        assertThrows(IllegalStateException.class, () -> TransactionRecords.readValue(ByteBuffer.wrap(new byte[] {0, 9})));
        byte[] truncated = TransactionRecords.value(ongoing());
        assertThrows(IllegalStateException.class, () -> TransactionRecords.readValue(
                ByteBuffer.wrap(java.util.Arrays.copyOf(truncated, truncated.length - 9))));
        byte[] badState = TransactionRecords.value(ongoing());
        badState[2 + 8 + 2 + 4] = 42; // the state id
        assertThrows(IllegalStateException.class, () -> TransactionRecords.readValue(ByteBuffer.wrap(badState)));
    }
}
