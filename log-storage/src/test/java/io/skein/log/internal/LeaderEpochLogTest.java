package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.log.api.AppendContext;
import io.skein.log.api.LogConfig;
import io.skein.log.api.EpochEndOffset;
import io.skein.log.epoch.EpochEntry;
import io.skein.log.epoch.LeaderEpochCheckpointFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderEpochLogTest {

    private static final LogConfig SMALL = LogFixture.config(Map.of("index.interval.bytes", "100"))
            .withSegmentBytes(1024);

    @TempDir
    Path dir;

    private static void appendAt(LogFixture f, int epoch, int count) {
        f.log.append(Batches.batch(count), new AppendContext(epoch, System.currentTimeMillis()));
    }

    private static List<EpochEntry> epochs(LogFixture f) {
        return f.diskLog().leaderEpochEntries();
    }

    @Test
    void leaderAppendsStampTheEpochGivenByBecomeLeader() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.log.becomeLeader(3);
            appendAt(f, 0, 5);
            f.log.becomeLeader(5);
            appendAt(f, 0, 2);

            List<RecordBatch> batches = Batches.batches(f.readAll(0));

            assertEquals(3, batches.get(0).partitionLeaderEpoch());
            assertEquals(5, batches.get(1).partitionLeaderEpoch());
            assertEquals(List.of(new EpochEntry(3, 0), new EpochEntry(5, 5)), epochs(f));
            assertEquals(5, f.log.leaderEpoch());
        }
    }

    @Test
    void appendContextWithAHigherEpochMovesTheLeaderEpoch() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            appendAt(f, 0, 2);
            appendAt(f, 4, 2);
            appendAt(f, 1, 2);

            assertEquals(List.of(new EpochEntry(0, 0), new EpochEntry(4, 2)), epochs(f));
            assertEquals(4, Batches.batches(f.readAll(4)).get(0).partitionLeaderEpoch());
        }
    }

    @Test
    void becomeLeaderWithAnOlderEpochIsIgnored() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.log.becomeLeader(6);
            f.log.becomeLeader(2);

            assertEquals(6, f.log.leaderEpoch());
            assertEquals(List.of(new EpochEntry(6, 0)), epochs(f));
        }
    }

    @Test
    void endOffsetForEpochAnswersFromTheHistory() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            appendAt(f, 1, 3);
            appendAt(f, 3, 4);
            appendAt(f, 3, 1);

            assertEquals(new EpochEndOffset(1, 3), f.log.endOffsetForEpoch(1));
            assertEquals(new EpochEndOffset(1, 3), f.log.endOffsetForEpoch(2));
            assertEquals(new EpochEndOffset(3, 8), f.log.endOffsetForEpoch(3));
            assertEquals(new EpochEndOffset(0, 0), f.log.endOffsetForEpoch(0));
            assertEquals(EpochEndOffset.UNDEFINED_ANSWER, f.log.endOffsetForEpoch(4));
        }
    }

    @Test
    void historyIsCheckpointedInKafkasFormat() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            appendAt(f, 2, 3);
            f.log.becomeLeader(7);

            assertEquals("0\n2\n2 0\n7 3\n",
                    Files.readString(f.partitionDir().resolve(LeaderEpochCheckpointFile.FILE_NAME)));
        }
    }

    @Test
    void rebuildsTheHistoryFromBatchesWhenTheCheckpointIsMissing() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            for (int i = 0; i < 30; i++) {
                appendAt(f, i / 10 * 2, 3);
            }
            List<EpochEntry> before = epochs(f);
            f.registry.close();
            Files.delete(f.partitionDir().resolve(LeaderEpochCheckpointFile.FILE_NAME));

            f.reopen(SMALL);

            assertEquals(List.of(new EpochEntry(0, 0), new EpochEntry(2, 30), new EpochEntry(4, 60)), before);
            assertEquals(before, epochs(f));
            assertEquals(4, f.log.leaderEpoch());
        }
    }

    @Test
    void rebuildsTheHistoryWhenTheCheckpointIsCorrupt() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            appendAt(f, 1, 3);
            appendAt(f, 2, 3);
            f.registry.close();
            Files.writeString(f.partitionDir().resolve(LeaderEpochCheckpointFile.FILE_NAME), "0\n5\n1 0\n");

            f.reopen(SMALL);

            assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(2, 3)), epochs(f));
        }
    }

    @Test
    void dropsEpochsPastTheRecoveredEndAfterACrash() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            appendAt(f, 1, 3);
            MemoryRecords last = Batches.batch(4);
            f.log.append(last, new AppendContext(2, System.currentTimeMillis()));
            Path segment = f.partitionDir().resolve("00000000000000000000.log");
            long cutTo = sizeOf(segment) - last.sizeInBytes() + 10; // the last batch is torn

            f.crashAndReopen(LogConfig.defaults(), () -> truncate(segment, cutTo));

            assertEquals(3, f.log.logEndOffset());
            assertEquals(List.of(new EpochEntry(1, 0)), epochs(f));
        }
    }

    @Test
    void deleteRecordsMovesTheEarliestEpochStart() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            appendAt(f, 1, 3);
            appendAt(f, 2, 3);
            appendAt(f, 3, 3);

            f.log.deleteRecordsBefore(4);

            assertEquals(List.of(new EpochEntry(2, 4), new EpochEntry(3, 6)), epochs(f));
            assertEquals(2, f.log.epochAtLogStart());
        }
    }

    @Test
    void epochAtLogStartIsUndefinedWhenTheHistoryStartsLater() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.log.appendAsFollower(ReplicaBatches.atOffset(0, RecordBatch.NO_PARTITION_LEADER_EPOCH, 3,
                    System.currentTimeMillis()));
            appendAt(f, 5, 2);

            assertEquals(-1, f.log.epochAtLogStart());
            assertEquals(5, f.log.latestEpoch());
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void truncate(Path file, long size) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
