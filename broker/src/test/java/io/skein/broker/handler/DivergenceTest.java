package io.skein.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.LogConfig;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The diverging-epoch answer of a fetch, against a real log with epochs 1 (offsets 0-9) and 3 (10-19). */
class DivergenceTest {

    @TempDir
    Path dir;

    private LogRegistry registry;
    private PartitionLog log;

    @BeforeEach
    void logWithTwoEpochs() throws Exception {
        registry = LogRegistry.open(List.of(dir), LogConfig.defaults());
        log = registry.getOrCreate(new TopicPartition("t", 0), Uuid.randomUuid(), LogConfig.defaults());
        log.appendAsFollower(batch(0, 1, 10));
        log.appendAsFollower(batch(10, 3, 10));
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private static MemoryRecords batch(long baseOffset, int epoch, int count) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(2048), RecordBatch.MAGIC_VALUE_V2,
                Compression.NONE, TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP,
                RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, false, epoch);
        for (int i = 0; i < count; i++) {
            builder.append(System.currentTimeMillis(), null, new byte[] {(byte) i});
        }
        return builder.build();
    }

    @Test
    void aDivergingAnswerCarriesTheLastStableOffsetNotTheHighWatermark() {
        MemoryRecordsBuilder open = MemoryRecords.builder(ByteBuffer.allocate(2048), RecordBatch.MAGIC_VALUE_V2,
                Compression.NONE, TimestampType.CREATE_TIME, 20, RecordBatch.NO_TIMESTAMP, 7L, (short) 0, 0, true, 3);
        for (int i = 0; i < 3; i++) {
            open.append(System.currentTimeMillis(), null, new byte[] {(byte) i});
        }
        log.appendAsFollower(open.build()); // a transaction left open at 20 holds the last stable offset there
        PartitionData out = new PartitionData();

        assertTrue(Divergence.check(log, 12, 1, out));

        assertEquals(23, out.highWatermark());
        assertEquals(20, out.lastStableOffset());
    }

    @Test
    void agreeingHistoryReadsOn() {
        PartitionData out = new PartitionData();

        assertFalse(Divergence.check(log, 15, 3, out));
        assertFalse(Divergence.check(log, 10, 1, out));
        assertEquals(-1, out.divergingEpoch().epoch());
    }

    @Test
    void anEpochThatEndedBeforeTheFetchOffsetDiverges() {
        PartitionData out = new PartitionData();

        assertTrue(Divergence.check(log, 12, 1, out));

        assertEquals(new FetchResponseData.EpochEndOffset().setEpoch(1).setEndOffset(10), out.divergingEpoch());
        assertEquals(Errors.NONE.code(), out.errorCode());
        assertEquals(20, out.highWatermark());
    }

    @Test
    void anEpochTheLeaderNeverHadDivergesAtTheLargestEpochBelowIt() {
        PartitionData out = new PartitionData();

        assertTrue(Divergence.check(log, 14, 2, out));

        assertEquals(new FetchResponseData.EpochEndOffset().setEpoch(1).setEndOffset(10), out.divergingEpoch());
    }

    @Test
    void anEpochAboveTheLeadersIsOutOfRange() {
        PartitionData out = new PartitionData();

        assertTrue(Divergence.check(log, 20, 4, out));

        assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), out.errorCode());
    }
}
