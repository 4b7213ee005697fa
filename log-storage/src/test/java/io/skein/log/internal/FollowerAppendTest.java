package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.epoch.EpochEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FollowerAppendTest {

    private static final LogConfig SMALL = LogFixture.config(Map.of("index.interval.bytes", "100"))
            .withSegmentBytes(1024);

    @TempDir
    Path dir;

    private static byte[] array(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void copiesTheLeadersBatchesByteForByte() throws IOException {
        try (LogFixture leader = new LogFixture(dir.resolve("leader"), SMALL);
             LogFixture follower = new LogFixture(dir.resolve("follower"), SMALL)) {
            long now = System.currentTimeMillis();
            int seq = 0;
            for (int i = 0; i < 20; i++) {
                AppendResult appended = leader.log.append(i % 3 == 0 ? Batches.idempotent(42L, (short) 1, seq, 2)
                        : Batches.batch(3), new AppendContext(i < 10 ? 1 : 4, now));
                assertEquals(Errors.NONE, appended.error());
                seq += i % 3 == 0 ? 2 : 0;
            }
            long next = 0;
            while (next < leader.log.logEndOffset()) {
                ByteBuffer fetched = leader.read(next, 300, true);
                AppendResult result = follower.log.appendAsFollower(ReplicaBatches.copy(fetched));
                assertEquals(Errors.NONE, result.error(), result.errorMessage());
                next = result.lastOffset() + 1;
            }

            assertArrayEquals(array(leader.readAll(0)), array(follower.readAll(0)));
            assertEquals(leader.log.logEndOffset(), follower.log.logEndOffset());
            assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(4, 26)), follower.diskLog().leaderEpochEntries());
            assertEquals(13, follower.diskLog().producers().lastSequenceOf(42L));
            assertEquals(leader.diskLog().producers().lastSequenceOf(42L),
                    follower.diskLog().producers().lastSequenceOf(42L));
            assertTrue(countLogFiles(follower.partitionDir()) > 1, "the follower rolled segments too");
        }
    }

    @Test
    void keepsOffsetsEpochsAndTimestampsAsFetched() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            MemoryRecords batch = ReplicaBatches.atOffset(0, 9, 3, 1_000L);

            AppendResult result = f.log.appendAsFollower(batch);

            assertEquals(new AppendResult(Errors.NONE, null, List.of(), 0, 2, -1, 0), result);
            RecordBatch read = Batches.batches(f.readAll(0)).get(0);
            assertEquals(9, read.partitionLeaderEpoch());
            assertEquals(1_002L, read.maxTimestamp());
            assertEquals(3, f.log.logEndOffset());
            assertEquals(9, f.log.latestEpoch());
        }
    }

    @Test
    void refusesABatchOverlappingTheLog() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.log.appendAsFollower(ReplicaBatches.atOffset(0, 1, 5, 1_000L));

            AppendResult result = f.log.appendAsFollower(ReplicaBatches.atOffset(3, 1, 5, 1_000L));

            assertEquals(Errors.OFFSET_OUT_OF_RANGE, result.error());
            assertEquals(5, f.log.logEndOffset());
        }
    }

    @Test
    void appendsNothingWhenALaterBatchIsOutOfOrder() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            MemoryRecords request = Batches.concat(ReplicaBatches.atOffset(0, 1, 5, 1_000L),
                    ReplicaBatches.atOffset(2, 1, 5, 1_000L));

            AppendResult result = f.log.appendAsFollower(request);

            assertEquals(Errors.OFFSET_OUT_OF_RANGE, result.error());
            assertEquals(0, f.log.logEndOffset());
            assertEquals(0, f.readAll(0).remaining());
        }
    }

    @Test
    void refusesACorruptBatch() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            MemoryRecords batch = ReplicaBatches.atOffset(0, 1, 5, 1_000L);
            ByteBuffer buf = batch.buffer();
            buf.put(buf.limit() - 3, (byte) (buf.get(buf.limit() - 3) ^ 0x5a));

            AppendResult result = f.log.appendAsFollower(batch);

            assertEquals(Errors.CORRUPT_MESSAGE, result.error());
            assertEquals(0, f.log.logEndOffset());
        }
    }

    @Test
    void acceptsAGapLeftByCompactionOnTheLeader() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.log.appendAsFollower(ReplicaBatches.atOffset(0, 1, 2, 1_000L));

            AppendResult result = f.log.appendAsFollower(ReplicaBatches.atOffset(10, 1, 2, 1_000L));

            assertEquals(Errors.NONE, result.error());
            assertEquals(12, f.log.logEndOffset());
            assertEquals(10, Batches.batches(f.readAll(5)).get(0).baseOffset());
        }
    }

    @Test
    void followerAppendsSurviveARestart() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            for (int i = 0; i < 30; i++) {
                f.log.appendAsFollower(ReplicaBatches.idempotentAtOffset(i * 4L, i / 10, 7L, (short) 0, i * 4, 4,
                        1_000L + i));
            }
            byte[] before = array(f.readAll(0));

            f.reopen(SMALL);

            assertArrayEquals(before, array(f.readAll(0)));
            assertEquals(120, f.log.logEndOffset());
            assertEquals(List.of(new EpochEntry(0, 0), new EpochEntry(1, 40), new EpochEntry(2, 80)),
                    f.diskLog().leaderEpochEntries());
            assertEquals(119, f.diskLog().producers().lastSequenceOf(7L));
        }
    }

    private static long countLogFiles(Path partitionDir) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log")).count();
        }
    }
}
