package io.skein.coordinator.group;

import io.skein.coordinator.records.RecordWriter;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The key and value formats of the records in {@code __consumer_offsets}, laid out as Kafka lays
 * them out (a 2-byte version, then the fields), so tools that read Kafka's offsets topic read
 * Skein's too.
 *
 * <ul>
 *   <li>Offset commit: key version 1 (group, topic, partition), value version 3 (offset, leader
 *       epoch, metadata, commit timestamp). Values of versions 0-3 are read.</li>
 *   <li>Group metadata: key version 2 (group), value version 3 (protocol type, generation,
 *       protocol, leader, state timestamp, members). Values of versions 0-3 are read.</li>
 *   <li>A null value is a tombstone: the offset or group was deleted.</li>
 * </ul>
 */
final class GroupRecords {

    static final short OFFSET_KEY_VERSION = 1;
    static final short GROUP_KEY_VERSION = 2;
    private static final short OFFSET_VALUE_VERSION = 3;
    private static final short GROUP_VALUE_VERSION = 3;

    private GroupRecords() {
    }

    /** A committed offset's identity. */
    record OffsetKey(String group, String topic, int partition) {
    }

    /** A decoded record of the offsets topic. */
    sealed interface Decoded {
    }

    /** An offset commit ({@code value} set) or its deletion ({@code value} null). */
    record OffsetRecord(OffsetKey key, CommittedOffset value) implements Decoded {
    }

    /** A group's metadata ({@code value} set) or the group's deletion ({@code value} null). */
    record GroupRecord(String group, GroupSnapshot value) implements Decoded {
    }

    /** A record of a kind this coordinator does not keep (transactions, newer group types). */
    record Other(short keyVersion) implements Decoded {
    }

    static byte[] offsetKey(OffsetKey key) {
        RecordWriter w = new RecordWriter();
        w.int16(OFFSET_KEY_VERSION).string(key.group()).string(key.topic()).int32(key.partition());
        return w.toArray();
    }

    static byte[] offsetValue(CommittedOffset value) {
        RecordWriter w = new RecordWriter();
        w.int16(OFFSET_VALUE_VERSION).int64(value.offset()).int32(value.leaderEpoch())
                .string(value.metadata() == null ? "" : value.metadata()).int64(value.commitTimestampMs());
        return w.toArray();
    }

    static byte[] groupKey(String group) {
        RecordWriter w = new RecordWriter();
        w.int16(GROUP_KEY_VERSION).string(group);
        return w.toArray();
    }

    static byte[] groupValue(GroupSnapshot group) {
        RecordWriter w = new RecordWriter();
        w.int16(GROUP_VALUE_VERSION).string(group.protocolType() == null ? "" : group.protocolType())
                .int32(group.generationId()).nullableString(group.protocolName()).nullableString(group.leaderId())
                .int64(group.stateTimestampMs()).int32(group.members().size());
        for (GroupSnapshot.Member m : group.members()) {
            w.string(m.memberId()).nullableString(m.groupInstanceId()).string(m.clientId()).string(m.clientHost())
                    .int32(m.rebalanceTimeoutMs()).int32(m.sessionTimeoutMs()).bytes(m.subscription())
                    .bytes(m.assignment());
        }
        return w.toArray();
    }

    /**
     * Decodes one record.
     *
     * @throws IllegalArgumentException when the bytes do not follow the format
     */
    static Decoded decode(ByteBuffer key, ByteBuffer value) {
        try {
            ByteBuffer k = key.duplicate();
            short keyVersion = k.getShort();
            if (keyVersion == 0 || keyVersion == 1) {
                OffsetKey offsetKey = new OffsetKey(readString(k), readString(k), k.getInt());
                return new OffsetRecord(offsetKey, value == null ? null : decodeOffsetValue(value.duplicate()));
            }
            if (keyVersion == GROUP_KEY_VERSION) {
                String group = readString(k);
                return new GroupRecord(group, value == null ? null : decodeGroupValue(value.duplicate()));
            }
            return new Other(keyVersion);
        } catch (BufferUnderflowException | IllegalStateException e) {
            throw new IllegalArgumentException("malformed offsets-topic record: " + e, e);
        }
    }

    private static CommittedOffset decodeOffsetValue(ByteBuffer v) {
        short version = v.getShort();
        long offset = v.getLong();
        int leaderEpoch = version >= 3 ? v.getInt() : -1;
        String metadata = readString(v);
        long commitTimestamp = v.getLong();
        return new CommittedOffset(offset, leaderEpoch, metadata, commitTimestamp);
    }

    private static GroupSnapshot decodeGroupValue(ByteBuffer v) {
        short version = v.getShort();
        if (version > GROUP_VALUE_VERSION) {
            throw new IllegalStateException("group metadata value version " + version + " is not supported");
        }
        String protocolType = readString(v);
        int generation = v.getInt();
        String protocol = readNullableString(v);
        String leader = readNullableString(v);
        long stateTimestamp = version >= 2 ? v.getLong() : -1L;
        int count = v.getInt();
        List<GroupSnapshot.Member> members = new ArrayList<>(Math.max(0, Math.min(count, 10_000)));
        for (int i = 0; i < count; i++) {
            String memberId = readString(v);
            String instanceId = version >= 3 ? readNullableString(v) : null;
            String clientId = readString(v);
            String clientHost = readString(v);
            int rebalanceTimeout = version >= 1 ? v.getInt() : -1;
            int sessionTimeout = v.getInt();
            if (version == 0) {
                rebalanceTimeout = sessionTimeout;
            }
            members.add(new GroupSnapshot.Member(memberId, instanceId, clientId, clientHost, rebalanceTimeout,
                    sessionTimeout, readBytes(v), readBytes(v)));
        }
        return new GroupSnapshot(protocolType.isEmpty() ? null : protocolType, generation, protocol, leader,
                stateTimestamp, members);
    }

    private static String readString(ByteBuffer b) {
        String s = readNullableString(b);
        if (s == null) {
            throw new IllegalStateException("null where a string is required");
        }
        return s;
    }

    private static String readNullableString(ByteBuffer b) {
        short length = b.getShort();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuffer b) {
        int length = b.getInt();
        if (length < 0) {
            return new byte[0];
        }
        if (length > b.remaining()) {
            throw new IllegalStateException("byte field of " + length + " bytes overruns the value");
        }
        byte[] bytes = new byte[length];
        b.get(bytes);
        return bytes;
    }
}
