package io.skein.log.internal;

import io.skein.log.segment.BatchHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/** Builds produce-request record batches the way clients do, for tests. */
final class Batches {

    private Batches() {
    }

    /** One batch of {@code count} records with keys, values and a header, timestamps {@code ts, ts+1, ...}. */
    static MemoryRecords batch(Compression compression, long ts, int count) {
        return idempotent(compression, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, ts, count);
    }

    static MemoryRecords batch(int count) {
        return batch(Compression.NONE, System.currentTimeMillis(), count);
    }

    static MemoryRecords idempotent(long producerId, short epoch, int firstSeq, int count) {
        return idempotent(Compression.NONE, producerId, epoch, firstSeq, System.currentTimeMillis(), count);
    }

    static MemoryRecords idempotent(Compression compression, long producerId, short epoch, int firstSeq, long ts,
                                    int count) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024 + count * 64),
                RecordBatch.MAGIC_VALUE_V2, compression, TimestampType.CREATE_TIME, 0L, RecordBatch.NO_TIMESTAMP,
                producerId, epoch, firstSeq, false, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (int i = 0; i < count; i++) {
            builder.append(ts + i, bytes("key-" + i), bytes("value-" + i + "-" + "x".repeat(i % 7)),
                    new Header[] {new RecordHeader("h" + i, bytes("hv" + i))});
        }
        return builder.build();
    }

    /** One batch whose records have the given keys (null for no key). */
    static MemoryRecords withKeys(Compression compression, String... keys) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), compression,
                TimestampType.CREATE_TIME, 0L);
        long now = System.currentTimeMillis();
        for (String key : keys) {
            builder.append(now, key == null ? null : bytes(key), bytes("v"));
        }
        return builder.build();
    }

    /** One batch with the given record timestamps. */
    static MemoryRecords withTimestamps(Compression compression, long... timestamps) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), compression,
                TimestampType.CREATE_TIME, 0L);
        for (long ts : timestamps) {
            builder.append(ts, bytes("k"), bytes("v"));
        }
        return builder.build();
    }

    /** Several requests' batches in one buffer, as a multi-batch produce request. */
    static MemoryRecords concat(MemoryRecords... parts) {
        int size = 0;
        for (MemoryRecords p : parts) {
            size += p.sizeInBytes();
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (MemoryRecords p : parts) {
            all.put(p.buffer());
        }
        return MemoryRecords.readableRecords(all.flip());
    }

    /** A copy of the request's current bytes (after an append they carry the stamped offsets). */
    static byte[] bytesOf(MemoryRecords records) {
        ByteBuffer b = records.buffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Recomputes the CRC of the single batch at the start of {@code buf} after a test edited it. */
    static void fixCrc(ByteBuffer buf) {
        int size = buf.getInt(BatchHeader.LENGTH) + BatchHeader.LOG_OVERHEAD;
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().position(BatchHeader.ATTRIBUTES).limit(size));
        buf.putInt(BatchHeader.CRC, (int) crc.getValue());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Every record (offset, key) in the bytes, batch by batch. */
    static List<Record> records(ByteBuffer bytes) {
        List<Record> out = new ArrayList<>();
        for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
            for (Record r : batch) {
                out.add(r);
            }
        }
        return out;
    }

    static List<RecordBatch> batches(ByteBuffer bytes) {
        List<RecordBatch> out = new ArrayList<>();
        MemoryRecords.readableRecords(bytes).batches().forEach(out::add);
        return out;
    }
}
