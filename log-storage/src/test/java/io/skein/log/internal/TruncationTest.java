package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.api.OffsetOutOfRangeException;
import io.skein.log.epoch.EpochEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TruncationTest {

    private static final LogConfig SMALL = LogFixture.config(Map.of("index.interval.bytes", "100"))
            .withSegmentBytes(1024);
    private static final long BASE_TS = 1_700_000_000_000L;
    private static final long PRODUCER = 42L;

    @TempDir
    Path dir;

    /** 40 idempotent batches of 4 records (offsets 4i..4i+3, timestamps BASE_TS + 4i.., sequence 4i..), epoch i/10. */
    private static void fill(LogFixture f) {
        for (int i = 0; i < 40; i++) {
            AppendResult r = f.log.append(Batches.idempotent(org.apache.kafka.common.compress.Compression.NONE,
                    PRODUCER, (short) 0, i * 4, BASE_TS + i * 4L, 4), new AppendContext(i / 10, BASE_TS));
            assertEquals(Errors.NONE, r.error(), r.errorMessage());
        }
    }

    private static List<String> logFiles(LogFixture f) throws IOException {
        try (Stream<Path> files = Files.list(f.partitionDir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList();
        }
    }

    private static byte[] array(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static void assertEveryOffsetReadable(LogFixture f, long end) {
        for (long offset = 0; offset < end; offset++) {
            RecordBatch batch = Batches.batches(f.read(offset, 1, true)).get(0);
            assertEquals(offset / 4 * 4, batch.baseOffset(), "batch holding offset " + offset);
        }
        assertEquals(0, f.read(end, Integer.MAX_VALUE, true).remaining());
    }

    @Test
    void truncateToTheLogEndForgetsAnEpochThatStartedThereWithoutBatches() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);
            f.log.becomeLeader(7); // led briefly at the log end, appended nothing

            long end = f.log.truncateTo(160);

            assertEquals(160, end);
            assertEquals(3, f.log.latestEpoch(), "the empty epoch 7 is not history shared with the new leader");
        }
    }

    @Test
    void truncateToCutsSegmentsIndexesProducerStateAndEpochsAcrossSegments() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);
            int segmentsBefore = logFiles(f).size();

            long end = f.log.truncateTo(68);

            assertEquals(68, end);
            assertEquals(68, f.log.logEndOffset());
            assertTrue(logFiles(f).size() < segmentsBefore, "later segments retired: " + logFiles(f));
            assertEveryOffsetReadable(f, 68);
            assertEquals(List.of(new EpochEntry(0, 0), new EpochEntry(1, 40)), f.diskLog().leaderEpochEntries());
            assertEquals(67, f.diskLog().producers().lastSequenceOf(PRODUCER));
            assertEquals(BASE_TS + 67, f.log.maxTimestamp().orElseThrow().timestamp());
            assertEquals(65, f.log.offsetForTimestamp(BASE_TS + 65).orElseThrow().offset());
            assertEquals(Optional.empty(), f.log.offsetForTimestamp(BASE_TS + 68));
            assertEquals(68, f.log.highWatermark());
        }
    }

    @Test
    void truncationRestoresProducerStateFromTheSnapshotBelowTheCut() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            f.append(TransactionMarkerTest.txnBatch(7L, (short) 1, 0, 1));
            f.log.appendTransactionMarker(7L, (short) 1, 5, true, 0, BASE_TS);
            fill(f); // rolls: the snapshots remember the marker's coordinator epoch
            assertTrue(ProducerSnapshotFile.latest(f.partitionDir(), 158).isPresent());

            f.log.truncateTo(158);

            f.append(TransactionMarkerTest.txnBatch(7L, (short) 1, 1, 1));
            AppendResult stale = f.log.appendTransactionMarker(7L, (short) 1, 4, true, 0, BASE_TS);
            assertEquals(Errors.TRANSACTION_COORDINATOR_FENCED, stale.error(),
                    "the coordinator epoch of a marker in a segment below the cut is still known");
            assertEquals(155, f.diskLog().producers().lastSequenceOf(PRODUCER));
        }
    }

    @Test
    void appendsContinueAfterTruncationAndSurviveARestart() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);
            f.log.truncateTo(68);

            AppendResult next = f.log.append(Batches.idempotent(org.apache.kafka.common.compress.Compression.NONE,
                    PRODUCER, (short) 0, 68, BASE_TS + 68, 4), new AppendContext(5, BASE_TS));
            byte[] before = array(f.readAll(0));
            f.reopen(SMALL);

            assertEquals(Errors.NONE, next.error(), next.errorMessage());
            assertEquals(68, next.baseOffset());
            assertArrayEquals(before, array(f.readAll(0)));
            assertEveryOffsetReadable(f, 72);
            assertEquals(List.of(new EpochEntry(0, 0), new EpochEntry(1, 40), new EpochEntry(5, 68)),
                    f.diskLog().leaderEpochEntries());
        }
    }

    @Test
    void truncationSurvivesACrash() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);
            f.log.truncateTo(30);

            f.crashAndReopen(SMALL, () -> { });

            assertEquals(28, f.log.logEndOffset());
            assertEveryOffsetReadable(f, 28);
            assertEquals(List.of(new EpochEntry(0, 0)), f.diskLog().leaderEpochEntries());
            assertEquals(27, f.diskLog().producers().lastSequenceOf(PRODUCER));
        }
    }

    @Test
    void truncationCheckpointsTheLoweredRecoveryPointAndHighWatermarkAtOnce() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);
            f.log.flush();
            f.disk().checkpointRecoveryPoints();

            f.log.truncateTo(40);

            assertEquals("0\n1\norders 0 40\n", Files.readString(dir.resolve("recovery-point-offset-checkpoint")));
            assertEquals("0\n1\norders 0 40\n", Files.readString(dir.resolve("replication-offset-checkpoint")));
        }
    }

    @Test
    void truncateInsideABatchRemovesTheWholeBatch() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);

            long end = f.log.truncateTo(30);

            assertEquals(28, end);
            assertEveryOffsetReadable(f, 28);
        }
    }

    @Test
    void truncateToASegmentBaseLeavesItEmptyAndActive() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);
            String second = logFiles(f).get(1);
            long base = Long.parseLong(second.substring(0, 20));

            f.log.truncateTo(base);

            assertEquals(base, f.log.logEndOffset());
            assertEquals(second, logFiles(f).get(logFiles(f).size() - 1));
            assertEquals(0, Files.size(f.partitionDir().resolve(second)));
            assertEquals(base, f.log.append(Batches.batch(org.apache.kafka.common.compress.Compression.NONE, BASE_TS, 1),
                    new AppendContext(0, BASE_TS)).baseOffset());
        }
    }

    @Test
    void truncateNeverGoesBelowTheLogStartOffset() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);
            f.log.deleteRecordsBefore(40);

            long end = f.log.truncateTo(10);

            assertEquals(40, end);
            assertEquals(40, f.log.logStartOffset());
            assertEquals(List.of(), f.diskLog().leaderEpochEntries());
        }
    }

    @Test
    void truncateAtOrPastTheEndChangesNothing() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);
            byte[] before = array(f.readAll(0));

            assertEquals(160, f.log.truncateTo(160));
            assertEquals(160, f.log.truncateTo(500));

            assertArrayEquals(before, array(f.readAll(0)));
        }
    }

    @Test
    void truncateFullyAndStartAtEmptiesTheLogAndRestartsItThere() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);

            f.log.truncateFullyAndStartAt(1000);

            assertEquals(1000, f.log.logStartOffset());
            assertEquals(1000, f.log.logEndOffset());
            assertEquals(1000, f.log.highWatermark());
            assertEquals(List.of(), f.diskLog().leaderEpochEntries());
            assertEquals(-1, f.diskLog().producers().lastSequenceOf(PRODUCER));
            assertEquals(List.of("00000000000000001000.log"), logFiles(f));
            assertThrows(OffsetOutOfRangeException.class, () -> f.read(500, 100, true));
            AppendResult follower = f.log.appendAsFollower(ReplicaBatches.atOffset(1000, 6, 3, BASE_TS));
            assertEquals(Errors.NONE, follower.error());

            f.reopen(SMALL);

            assertEquals(1000, f.log.logStartOffset());
            assertEquals(1003, f.log.logEndOffset());
            assertEquals(List.of(new EpochEntry(6, 1000)), f.diskLog().leaderEpochEntries());
        }
    }
}
