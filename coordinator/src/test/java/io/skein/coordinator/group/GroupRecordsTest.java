package io.skein.coordinator.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupRecordsTest {

    @Test
    void offsetCommitRoundTripsWithKafkasLayout() {
        GroupRecords.OffsetKey key = new GroupRecords.OffsetKey("g", "orders", 7);
        CommittedOffset value = new CommittedOffset(42, 3, "meta-é", 1_700_000_000_000L);
        byte[] k = GroupRecords.offsetKey(key);
        // version 1: int16 version, string group, string topic, int32 partition
        assertEquals(2 + 2 + 1 + 2 + 6 + 4, k.length);
        assertEquals(1, ByteBuffer.wrap(k).getShort());

        GroupRecords.Decoded decoded = GroupRecords.decode(ByteBuffer.wrap(k), ByteBuffer.wrap(GroupRecords.offsetValue(value)));
        GroupRecords.OffsetRecord record = assertInstanceOf(GroupRecords.OffsetRecord.class, decoded);
        assertEquals(key, record.key());
        assertEquals(value, record.value());
    }

    @Test
    void tombstonesDecodeToNullValues() {
        GroupRecords.Decoded offset = GroupRecords.decode(
                ByteBuffer.wrap(GroupRecords.offsetKey(new GroupRecords.OffsetKey("g", "t", 0))), null);
        assertNull(((GroupRecords.OffsetRecord) offset).value());
        GroupRecords.Decoded group = GroupRecords.decode(ByteBuffer.wrap(GroupRecords.groupKey("g")), null);
        assertNull(((GroupRecords.GroupRecord) group).value());
    }

    @Test
    void groupMetadataRoundTrips() {
        GroupSnapshot snapshot = new GroupSnapshot("consumer", 5, "range", "m1", 123L, List.of(
                new GroupSnapshot.Member("m1", null, "c1", "/127.0.0.1", 300_000, 45_000, new byte[] {1}, new byte[] {2, 3}),
                new GroupSnapshot.Member("m2", "instance-2", "c2", "/10.0.0.1", 60_000, 10_000, new byte[0], new byte[0])));
        GroupRecords.GroupRecord decoded = (GroupRecords.GroupRecord) GroupRecords.decode(
                ByteBuffer.wrap(GroupRecords.groupKey("g")), ByteBuffer.wrap(GroupRecords.groupValue(snapshot)));
        GroupSnapshot back = decoded.value();
        assertEquals("g", decoded.group());
        assertEquals("consumer", back.protocolType());
        assertEquals(5, back.generationId());
        assertEquals("range", back.protocolName());
        assertEquals("m1", back.leaderId());
        assertEquals(123L, back.stateTimestampMs());
        assertEquals(2, back.members().size());
        assertEquals("instance-2", back.members().get(1).groupInstanceId());
        assertArrayEquals(new byte[] {2, 3}, back.members().get(0).assignment());
        assertEquals(45_000, back.members().get(0).sessionTimeoutMs());
    }

    @Test
    void otherKeyVersionsAreRecognisedAndTruncatedValuesRejected() {
        ByteBuffer txnKey = ByteBuffer.allocate(4).putShort((short) 5).putShort((short) 0).flip();
        assertInstanceOf(GroupRecords.Other.class, GroupRecords.decode(txnKey, null));
        byte[] value = GroupRecords.offsetValue(new CommittedOffset(1, 1, "x", 1));
        ByteBuffer truncated = ByteBuffer.wrap(value, 0, value.length - 3);
        assertThrows(IllegalArgumentException.class, () -> GroupRecords.decode(
                ByteBuffer.wrap(GroupRecords.offsetKey(new GroupRecords.OffsetKey("g", "t", 0))), truncated));
    }
}
