package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.LogConfig;
import io.skein.log.api.TimestampAndOffset;
import io.skein.log.checkpoint.OffsetCheckpointFile;
import io.skein.log.segment.LogSegment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashRecoveryTest {

    private static final long T = 1_700_000_000_000L;
    private static final LogConfig SMALL = LogConfig.defaults().withSegmentBytes(2048);

    @TempDir
    Path dir;

    /** 60 batches of 4 records, timestamps T + 10 * batch; several 2 KiB segments. */
    private static void fill(LogFixture f, int batches) {
        long end = f.log.logEndOffset();
        for (int i = 0; i < batches; i++) {
            f.append(Batches.batch(Compression.NONE, T + 10 * ((end / 4) + i), 4));
        }
    }

    private List<Path> segmentFiles(LogFixture f) throws IOException {
        try (Stream<Path> files = Files.list(f.partitionDir())) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    private static void flipByte(Path file, long position) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position);
            b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
            ch.write(b, position);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void writesBothCheckpointsOnCleanClose() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f, 30);
            f.log.deleteRecordsBefore(7);

            f.registry.close();

            assertEquals(Map.of(LogFixture.TP, 120L),
                    new OffsetCheckpointFile(dir.resolve("recovery-point-offset-checkpoint")).read());
            assertEquals(Map.of(LogFixture.TP, 7L),
                    new OffsetCheckpointFile(dir.resolve("log-start-offset-checkpoint")).read());
            f.reopen(SMALL);
            assertEquals(7, f.log.logStartOffset());
            assertEquals(120, f.log.logEndOffset());
        }
    }

    @Test
    void recoversEverySegmentPastTheRecoveryPointAndCutsAtTheCorruptBatch() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f, 10);
            f.log.flush();
            f.disk().checkpointRecoveryPoints(); // recovery point 40
            fill(f, 50);
            List<Path> segments = segmentFiles(f);
            assertTrue(segments.size() >= 5, "several segments: " + segments);
            Path corrupt = segments.get(3);
            long corruptBase = Long.parseLong(corrupt.getFileName().toString().substring(0, 20));
            byte[] before = Batches.bytesOf(org.apache.kafka.common.record.internal.MemoryRecords
                    .readableRecords(f.readAll(0)));

            f.crashAndReopen(SMALL, () -> flipByte(corrupt, 200)); // inside a batch past the first of segment 3

            List<Path> after = segmentFiles(f);
            assertEquals(segments.subList(0, 4), after, "later segments are deleted");
            long end = f.log.logEndOffset();
            assertTrue(end > corruptBase && end < 240, "cut inside segment 3, at " + end);
            byte[] kept = Batches.bytesOf(org.apache.kafka.common.record.internal.MemoryRecords
                    .readableRecords(f.readAll(0)));
            assertArrayEquals(java.util.Arrays.copyOf(before, kept.length), kept);
            assertEquals(end, f.append(Batches.batch(Compression.NONE, T + 10_000, 1)).baseOffset());
        }
    }

    @Test
    void trustsSegmentsBelowTheRecoveryPoint() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f, 60);
            f.log.flush();
            f.disk().checkpointRecoveryPoints(); // recovery point 240, in the last segment
            List<Path> segments = segmentFiles(f);

            f.crashAndReopen(SMALL, () -> flipByte(segments.get(0), 200));

            assertEquals(240, f.log.logEndOffset(), "a segment below the recovery point is not re-checked");
            assertEquals(segments, segmentFiles(f));
        }
    }

    @Test
    void recoversEverythingWhenTheRecoveryPointCheckpointIsCorrupt() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f, 60);
            f.log.flush();
            f.disk().checkpointRecoveryPoints();
            List<Path> segments = segmentFiles(f);

            f.crashAndReopen(SMALL, () -> {
                flipByte(segments.get(0), 200);
                try {
                    Files.writeString(dir.resolve("recovery-point-offset-checkpoint"), "0\n7\ngarbage\n");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });

            assertTrue(f.log.logEndOffset() < 40, "cut in the first segment: " + f.log.logEndOffset());
            assertEquals(1, segmentFiles(f).size());
        }
    }

    @Test
    void cutsATornTailInTheLastSegmentAfterACrash() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f, 40);
            long end = f.log.logEndOffset();
            List<Path> segments = segmentFiles(f);
            Path last = segments.get(segments.size() - 1);
            long size = Files.size(last);

            f.crashAndReopen(SMALL, () -> {
                try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
                    ch.truncate(size - 7);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });

            assertEquals(end - 4, f.log.logEndOffset());
            assertEquals(segments, segmentFiles(f));
        }
    }

    @Test
    void rebuildsDeletedOffsetAndTimeIndexesAfterACleanStop() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogFixture.config(Map.of("index.interval.bytes", "100"))
                .withSegmentBytes(2048))) {
            fill(f, 40);
            f.registry.close();
            byte[] timeIndexBefore = Files.readAllBytes(f.partitionDir().resolve(
                    LogSegment.fileName(0, LogSegment.TIME_INDEX_SUFFIX)));
            try (Stream<Path> files = Files.list(f.partitionDir())) {
                for (Path p : files.filter(p -> p.toString().endsWith("index")).toList()) {
                    Files.delete(p);
                }
            }

            f.reopen(LogFixture.config(Map.of("index.interval.bytes", "100")).withSegmentBytes(2048));

            assertArrayEquals(timeIndexBefore, Files.readAllBytes(f.partitionDir().resolve(
                    LogSegment.fileName(0, LogSegment.TIME_INDEX_SUFFIX))));
            assertTrue(Files.size(f.partitionDir().resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX))) > 8);
            for (long offset = 0; offset < 160; offset += 13) {
                RecordBatch batch = Batches.batches(f.read(offset, 1, true)).get(0);
                assertEquals(offset / 4 * 4, batch.baseOffset());
            }
            assertEquals(Optional.of(new TimestampAndOffset(T + 10 * 23 + 1, 93, 7)), f.log.offsetForTimestamp(T + 231));
            assertEquals(160, f.log.logEndOffset());
        }
    }

    @Test
    void rebuildsACorruptIndexFile() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogFixture.config(Map.of("index.interval.bytes", "100"))
                .withSegmentBytes(2048))) {
            fill(f, 40);
            f.registry.close();
            Path index = f.partitionDir().resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX));
            long size = Files.size(index);
            flipByte(index, size - 3); // the position of the last entry now points elsewhere

            f.reopen(LogFixture.config(Map.of("index.interval.bytes", "100")).withSegmentBytes(2048));

            for (long offset = 0; offset < 160; offset += 5) {
                assertEquals(offset / 4 * 4, Batches.batches(f.read(offset, 1, true)).get(0).baseOffset());
            }
        }
    }

    @Test
    void removesLeftoverFilesOnLoad() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f, 3);
            f.registry.close();
            for (String name : List.of("00000000000000000000.log.deleted", "00000000000000000000.log.cleaned",
                    "00000000000000000000.log.swap", "00000000000000000000.index.tmp",
                    "00000000000000000099.index")) {
                Files.write(f.partitionDir().resolve(name), new byte[] {1, 2, 3});
            }

            f.reopen(SMALL);

            try (Stream<Path> files = Files.list(f.partitionDir())) {
                assertEquals(List.of("00000000000000000000.index", "00000000000000000000.log",
                        "00000000000000000000.timeindex", "leader-epoch-checkpoint", "partition.metadata"),
                        files.map(p -> p.getFileName().toString()).sorted().toList());
            }
            assertEquals(12, f.log.logEndOffset());
        }
    }

    @Test
    void restoresTheLogStartOffsetFromItsCheckpointAfterACrash() throws IOException {
        try (LogFixture f = new LogFixture(dir, SMALL)) {
            fill(f, 10);
            f.log.deleteRecordsBefore(21);
            f.disk().checkpointLogStartOffsets();

            f.crashAndReopen(SMALL, () -> { });

            assertEquals(21, f.log.logStartOffset());
            assertFalse(f.log.offsetForTimestamp(T).map(t -> t.offset() < 21).orElse(true));
        }
    }
}
