package io.skein.log.internal;

import java.nio.ByteBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;

/** Batches as a leader's log holds them (offsets and partition leader epoch set), for follower-append tests. */
final class ReplicaBatches {

    private ReplicaBatches() {
    }

    static MemoryRecords atOffset(long baseOffset, int leaderEpoch, int count, long ts) {
        return build(baseOffset, leaderEpoch, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, count, ts);
    }

    static MemoryRecords idempotentAtOffset(long baseOffset, int leaderEpoch, long producerId, short producerEpoch,
                                            int firstSeq, int count, long ts) {
        return build(baseOffset, leaderEpoch, producerId, producerEpoch, firstSeq, count, ts);
    }

    private static MemoryRecords build(long baseOffset, int leaderEpoch, long producerId, short producerEpoch,
                                       int firstSeq, int count, long ts) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024 + count * 64),
                RecordBatch.MAGIC_VALUE_V2, Compression.NONE, TimestampType.CREATE_TIME, baseOffset,
                RecordBatch.NO_TIMESTAMP, producerId, producerEpoch, firstSeq, false, leaderEpoch);
        for (int i = 0; i < count; i++) {
            builder.append(ts + i, Batches.bytes("key-" + i), Batches.bytes("value-" + (baseOffset + i)));
        }
        return builder.build();
    }

    /** Copies of the bytes a read returned, as a fetch response would carry them. */
    static MemoryRecords copy(ByteBuffer bytes) {
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
        copy.put(bytes.duplicate()).flip();
        return MemoryRecords.readableRecords(copy);
    }
}
