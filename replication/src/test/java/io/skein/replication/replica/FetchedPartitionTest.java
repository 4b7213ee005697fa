package io.skein.replication.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.log.api.LogConfig;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import io.skein.log.api.StorageSettings;
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

/** A follower's log with epochs 1 (offsets 0-9) and 3 (10-19), applying what its leader answers. */
class FetchedPartitionTest {

    @TempDir
    Path dir;

    private LogRegistry registry;
    private PartitionLog log;

    @BeforeEach
    void followerLog() throws Exception {
        registry = LogRegistry.openReplicated(StorageSettings.defaults(List.of(dir), LogConfig.defaults()));
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

    private static PartitionData diverging(int epoch, long endOffset) {
        return new PartitionData().setHighWatermark(5)
                .setDivergingEpoch(new FetchResponseData.EpochEndOffset().setEpoch(epoch).setEndOffset(endOffset));
    }

    @Test
    void fetchedRecordsAreAppendedAndTheHighWatermarkFollowsTheLeaders() {
        PartitionData data = new PartitionData().setHighWatermark(22).setRecords(batch(20, 4, 5));

        FetchedPartition.Result result = FetchedPartition.apply(log, data);

        assertEquals(FetchedPartition.Next.FETCH, result.next());
        assertEquals(25, log.logEndOffset());
        assertEquals(22, log.highWatermark());
        assertEquals(4, log.latestEpoch());
    }

    @Test
    void theLogStartFollowsTheLeadersUpToTheHighWatermark() {
        FetchedPartition.apply(log, new PartitionData().setHighWatermark(12).setLogStartOffset(15));

        assertEquals(12, log.highWatermark());
        assertEquals(12, log.logStartOffset(), "up to the high watermark, not the leader's 15");
    }

    @Test
    void aDivergingEpochTruncatesToWhereTheLeadersEpochEnds() {
        FetchedPartition.Result result = FetchedPartition.apply(log, diverging(3, 14));

        assertEquals(FetchedPartition.Next.FETCH, result.next());
        assertEquals(10, log.logEndOffset(), "batches are never split: the batch 10-19 goes whole");
    }

    @Test
    void aDivergingEpochThisLogNeverHadTruncatesToTheEndOfItsOwnEpochBelow() {
        FetchedPartition.apply(log, diverging(2, 15));

        assertEquals(10, log.logEndOffset());
        assertEquals(1, log.latestEpoch());
    }

    @Test
    void anEpochThisReplicaLedWithoutAppendingIsForgottenWhenTheLeaderDisagrees() {
        log.becomeLeader(5); // led briefly at offset 20, appended nothing

        FetchedPartition.Result result = FetchedPartition.apply(log, diverging(3, 20));

        assertEquals(FetchedPartition.Next.FETCH, result.next());
        assertEquals(20, log.logEndOffset());
        assertEquals(3, log.latestEpoch());
    }

    @Test
    void aLogEndBelowTheLeadersLogStartRestartsTheLogThere() {
        PartitionData data = new PartitionData().setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code())
                .setLogStartOffset(50).setHighWatermark(60);

        FetchedPartition.apply(log, data);

        assertEquals(50, log.logStartOffset());
        assertEquals(50, log.logEndOffset());
    }

    @Test
    void aLeadershipInTransitionBacksOffAndChangesNothing() {
        FetchedPartition.Result result = FetchedPartition.apply(log,
                new PartitionData().setErrorCode(Errors.FENCED_LEADER_EPOCH.code()));

        assertEquals(FetchedPartition.Next.BACK_OFF, result.next());
        assertEquals(Errors.FENCED_LEADER_EPOCH, result.error());
        assertEquals(20, log.logEndOffset());
    }
}
