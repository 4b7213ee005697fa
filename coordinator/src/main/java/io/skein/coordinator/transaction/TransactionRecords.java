package io.skein.coordinator.transaction;

import io.skein.coordinator.records.RecordWriter;
import io.skein.coordinator.records.Varints;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;


/**
 * The record formats of {@code __transaction_state}, laid out as Kafka lays them out so Kafka's
 * tools can read Skein's log and the other way round:
 *
 * <ul>
 *   <li>Key, version 0: the transactional id (int16-length string).</li>
 *   <li>Value, version 0: producer id, producer epoch, timeout, state id, the partitions
 *       (nullable array of topic and partition ids; null while Empty), last update and start
 *       timestamps.</li>
 *   <li>Value, version 1 (flexible, written here): the same fields in compact encodings, plus
 *       tagged fields 0 (previous producer id), 1 (next producer id) and 2 (client transactions
 *       version), each written only when it differs from its default (-1, -1, 0).</li>
 *   <li>A null value is a tombstone: the transactional id expired.</li>
 * </ul>
 */
public final class TransactionRecords {

    static final short KEY_VERSION = 0;
    static final short VALUE_VERSION = 1;
    private static final int TAG_PREVIOUS_PRODUCER_ID = 0;
    private static final int TAG_NEXT_PRODUCER_ID = 1;
    private static final int TAG_CLIENT_TRANSACTION_VERSION = 2;

    private TransactionRecords() {
    }

    public static byte[] key(String transactionalId) {
        return new RecordWriter().int16(KEY_VERSION).string(transactionalId).toArray();
    }

    /** @throws IllegalStateException for a key of another version or a truncated one */
    public static String readKey(ByteBuffer key) {
        try {
            short version = key.getShort();
            if (version != KEY_VERSION) {
                throw new IllegalStateException("unknown __transaction_state key version " + version);
            }
            return readString(key);
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("truncated __transaction_state key", e);
        }
    }

    public static byte[] value(TransactionLogEntry entry) {
        RecordWriter w = new RecordWriter().int16(VALUE_VERSION).int64(entry.producerId())
                .int16(entry.producerEpoch()).int32(entry.timeoutMs()).int8(entry.state().id());
        if (entry.state() == TransactionState.EMPTY) {
            w.compactArrayLength(-1); // as Kafka: no partition list at all while Empty
        } else {
            w.compactArrayLength(entry.partitions().size());
            entry.partitions().forEach((topic, ids) -> {
                w.compactString(topic).compactArrayLength(ids.size());
                ids.forEach(w::int32);
                w.unsignedVarint(0); // no tagged fields
            });
        }
        w.int64(entry.lastUpdateTimestampMs()).int64(entry.startTimestampMs());
        List<byte[]> tagged = new ArrayList<>();
        if (entry.previousProducerId() != -1) {
            tagged.add(tag(TAG_PREVIOUS_PRODUCER_ID, new RecordWriter().int64(entry.previousProducerId()).toArray()));
        }
        if (entry.nextProducerId() != -1) {
            tagged.add(tag(TAG_NEXT_PRODUCER_ID, new RecordWriter().int64(entry.nextProducerId()).toArray()));
        }
        if (entry.clientTransactionVersion() != 0) {
            tagged.add(tag(TAG_CLIENT_TRANSACTION_VERSION,
                    new RecordWriter().int16(entry.clientTransactionVersion()).toArray()));
        }
        w.unsignedVarint(tagged.size());
        tagged.forEach(w::raw);
        return w.toArray();
    }

    private static byte[] tag(int tag, byte[] data) {
        return new RecordWriter().unsignedVarint(tag).unsignedVarint(data.length).raw(data).toArray();
    }

    /**
     * Decodes a value of version 0 or 1; unknown tagged fields are skipped.
     *
     * @throws IllegalStateException for another version, an unknown state or a truncated value
     */
    public static TransactionLogEntry readValue(ByteBuffer value) {
        try {
            short version = value.getShort();
            if (version < 0 || version > VALUE_VERSION) {
                throw new IllegalStateException("unknown __transaction_state value version " + version);
            }
            boolean flexible = version >= 1;
            long producerId = value.getLong();
            short epoch = value.getShort();
            int timeoutMs = value.getInt();
            TransactionState state = TransactionState.fromId(value.get());
            int topics = flexible ? Varints.readUnsigned(value) - 1 : value.getInt();
            SortedMap<String, SortedSet<Integer>> partitions = new TreeMap<>();
            for (int t = 0; t < topics; t++) {
                String topic = flexible ? readCompactString(value) : readString(value);
                int count = flexible ? Varints.readUnsigned(value) - 1 : value.getInt();
                SortedSet<Integer> ids = new TreeSet<>();
                for (int i = 0; i < count; i++) {
                    ids.add(value.getInt());
                }
                if (flexible) {
                    skipTaggedFields(value);
                }
                partitions.put(topic, ids);
            }
            long lastUpdate = value.getLong();
            long start = value.getLong();
            long previousProducerId = -1;
            long nextProducerId = -1;
            short clientVersion = 0;
            if (flexible) {
                int fields = Varints.readUnsigned(value);
                for (int f = 0; f < fields; f++) {
                    int tag = Varints.readUnsigned(value);
                    int size = Varints.readUnsigned(value);
                    ByteBuffer data = value.slice();
                    data.limit(size);
                    value.position(value.position() + size);
                    switch (tag) {
                        case TAG_PREVIOUS_PRODUCER_ID -> previousProducerId = data.getLong();
                        case TAG_NEXT_PRODUCER_ID -> nextProducerId = data.getLong();
                        case TAG_CLIENT_TRANSACTION_VERSION -> clientVersion = data.getShort();
                        default -> { } // a field of a newer version: skipped
                    }
                }
            }
            return new TransactionLogEntry(producerId, previousProducerId, nextProducerId, epoch, timeoutMs, state,
                    partitions, lastUpdate, start, clientVersion);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IllegalStateException("bad __transaction_state value: " + e.getMessage(), e);
        }
    }

    private static void skipTaggedFields(ByteBuffer b) {
        int fields = Varints.readUnsigned(b);
        for (int f = 0; f < fields; f++) {
            Varints.readUnsigned(b);
            int size = Varints.readUnsigned(b);
            b.position(b.position() + size);
        }
    }

    private static String readString(ByteBuffer b) {
        short length = b.getShort();
        if (length < 0) {
            throw new IllegalArgumentException("null string");
        }
        return utf8(b, length);
    }

    private static String readCompactString(ByteBuffer b) {
        int length = Varints.readUnsigned(b) - 1;
        if (length < 0) {
            throw new IllegalArgumentException("null string");
        }
        return utf8(b, length);
    }

    private static String utf8(ByteBuffer b, int length) {
        if (length > b.remaining()) {
            throw new IllegalArgumentException("string of " + length + " bytes overruns the record");
        }
        byte[] bytes = new byte[length];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
