package io.skein.coordinator.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.coordinator.group.generated.GroupMetadataKey;
import org.apache.kafka.coordinator.group.generated.GroupMetadataValue;
import org.apache.kafka.coordinator.group.generated.OffsetCommitKey;
import org.apache.kafka.coordinator.group.generated.OffsetCommitValue;
import org.junit.jupiter.api.Test;

/**
 * Skein's {@code __consumer_offsets} records are byte for byte what Kafka's own generated record
 * classes (kafka-group-coordinator, test scope) write at the same versions, so Kafka's tools read
 * Skein's offsets topic, and Skein reads what they write.
 */
class GroupRecordsKafkaFormatTest {

    @Test
    void offsetCommitsAreKafkasKeyVersionOneAndValueVersionThree() {
        GroupRecords.OffsetKey key = new GroupRecords.OffsetKey("billing", "orders", 7);
        CommittedOffset value = new CommittedOffset(1234L, 5, "checkpoint é", 1_700_000_000_000L);
        byte[] kafkaKey = MessageUtil.toVersionPrefixedBytes((short) 1,
                new OffsetCommitKey().setGroup("billing").setTopic("orders").setPartition(7));
        byte[] kafkaValue = MessageUtil.toVersionPrefixedBytes((short) 3, new OffsetCommitValue().setOffset(1234L)
                .setLeaderEpoch(5).setMetadata("checkpoint é").setCommitTimestamp(1_700_000_000_000L));
        assertArrayEquals(kafkaKey, GroupRecords.offsetKey(key));
        assertArrayEquals(kafkaValue, GroupRecords.offsetValue(value));
        GroupRecords.OffsetRecord decoded = (GroupRecords.OffsetRecord) GroupRecords.decode(ByteBuffer.wrap(kafkaKey),
                ByteBuffer.wrap(kafkaValue));
        assertEquals(key, decoded.key());
        assertEquals(value, decoded.value());
    }

    @Test
    void groupMetadataIsKafkasKeyVersionTwoAndValueVersionThree() {
        GroupSnapshot group = new GroupSnapshot("consumer", 4, "range", "m-1", 1_700_000_000_000L, List.of(
                new GroupSnapshot.Member("m-1", "instance-1", "client-1", "/127.0.0.1", 30_000, 10_000,
                        new byte[] {1, 2}, new byte[] {3}),
                new GroupSnapshot.Member("m-2", null, "client-2", "/127.0.0.2", 45_000, 45_000, new byte[0],
                        new byte[] {4, 5, 6})));
        byte[] kafkaKey = MessageUtil.toVersionPrefixedBytes((short) 2, new GroupMetadataKey().setGroup("billing"));
        byte[] kafkaValue = MessageUtil.toVersionPrefixedBytes((short) 3, new GroupMetadataValue()
                .setProtocolType("consumer").setGeneration(4).setProtocol("range").setLeader("m-1")
                .setCurrentStateTimestamp(1_700_000_000_000L).setMembers(List.of(
                        new GroupMetadataValue.MemberMetadata().setMemberId("m-1").setGroupInstanceId("instance-1")
                                .setClientId("client-1").setClientHost("/127.0.0.1").setRebalanceTimeout(30_000)
                                .setSessionTimeout(10_000).setSubscription(new byte[] {1, 2})
                                .setAssignment(new byte[] {3}),
                        new GroupMetadataValue.MemberMetadata().setMemberId("m-2").setGroupInstanceId(null)
                                .setClientId("client-2").setClientHost("/127.0.0.2").setRebalanceTimeout(45_000)
                                .setSessionTimeout(45_000).setSubscription(new byte[0])
                                .setAssignment(new byte[] {4, 5, 6}))));
        assertArrayEquals(kafkaKey, GroupRecords.groupKey("billing"));
        assertArrayEquals(kafkaValue, GroupRecords.groupValue(group));
        GroupRecords.GroupRecord decoded = (GroupRecords.GroupRecord) GroupRecords.decode(ByteBuffer.wrap(kafkaKey),
                ByteBuffer.wrap(kafkaValue));
        assertEquals("billing", decoded.group());
        assertEquals(4, decoded.value().generationId());
        assertEquals(2, decoded.value().members().size());
        assertEquals("instance-1", decoded.value().members().get(0).groupInstanceId());
    }
}
