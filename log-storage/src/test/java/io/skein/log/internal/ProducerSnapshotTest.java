package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producer state survives restarts through snapshots written at every roll: a producer whose
 * batches are all in older segments is still known after a clean restart and after a crash (its
 * retried batch is recognised as a duplicate, a sequence gap refused), only the newest snapshots
 * are kept, truncation removes the snapshots of the history it cuts, and a damaged snapshot is
 * skipped for an older one.
 */
class ProducerSnapshotTest {

    private static final LogConfig SMALL = LogConfig.defaults().withSegmentBytes(2048);
    private static final long EARLY = 100L;
    private static final long BUSY = 200L;

    @TempDir
    Path dir;

    /** EARLY writes one batch at offsets 0-2, then BUSY writes enough to roll several segments. */
    private static void fill(LogFixture f) {
        assertEquals(0, f.append(Batches.idempotent(EARLY, (short) 0, 0, 3)).baseOffset());
        for (int i = 0; i < 30; i++) {
            assertTrue(f.append(Batches.idempotent(BUSY, (short) 0, i * 10, 10)).succeeded());
        }
    }

    private static void assertEarlyProducerKnown(LogFixture f) {
        AppendResult retry = f.append(Batches.idempotent(EARLY, (short) 0, 0, 3));
        assertEquals(Errors.NONE, retry.error());
        assertEquals(0, retry.baseOffset(), "the retried batch is a duplicate of the one at offset 0");
        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, f.append(Batches.idempotent(EARLY, (short) 0, 9, 1)).error());
        assertTrue(f.append(Batches.idempotent(EARLY, (short) 0, 3, 1)).succeeded(), "the next sequence is taken");
    }

    private List<Path> snapshots(LogFixture f) throws IOException {
        try (Stream<Path> files = Files.list(f.partitionDir())) {
            return files.filter(p -> p.getFileName().toString().endsWith(ProducerSnapshotFile.SUFFIX)).sorted().toList();
        }
    }

    @Test
    void aProducerOnlyInOlderSegmentsIsKnownAfterACleanRestart() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);
            assertTrue(f.diskLog().segments().all().size() > ProducerSnapshotFile.KEEP + 1, "several segments rolled");
            assertEquals(ProducerSnapshotFile.KEEP, snapshots(f).size(), "only the newest snapshots are kept");
            f.reopen(SMALL);
            assertEarlyProducerKnown(f);
        }
    }

    @Test
    void aProducerOnlyInOlderSegmentsIsKnownAfterACrash() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);
            f.crashAndReopen(SMALL, () -> { });
            assertEarlyProducerKnown(f);
        }
    }

    @Test
    void aDamagedNewestSnapshotIsSkippedForAnOlderOne() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);
            List<Path> kept = snapshots(f);
            Files.write(kept.get(kept.size() - 1), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
            f.reopen(SMALL);
            assertEarlyProducerKnown(f);
        }
    }

    @Test
    void truncationRemovesTheSnapshotsOfTheHistoryItCuts() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f);
            long cut = 50;
            f.log.truncateTo(cut);
            for (Path snapshot : snapshots(f)) {
                long offset = Long.parseLong(snapshot.getFileName().toString().substring(0, 20));
                assertTrue(offset <= f.log.logEndOffset(), snapshot + " is past the truncated end");
            }
            f.reopen(SMALL);
            assertEarlyProducerKnown(f);
        }
    }
}
