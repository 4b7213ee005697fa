package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.api.OffsetOutOfRangeException;
import io.skein.log.api.StorageSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {

    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(1_700_000_000_000L);

    private static LogConfig config(String... keyValues) {
        Map<String, String> overrides = new HashMap<>(Map.of("file.delete.delay.ms", "0"));
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.put(keyValues[i], keyValues[i + 1]);
        }
        return LogFixture.config(overrides).withSegmentBytes(1024);
    }

    private LogFixture fixture(LogConfig config) throws IOException {
        return new LogFixture(StorageSettings.defaults(List.of(dir), config).withClock(clock), config);
    }

    /** Appends {@code batches} batches of 4 records stamped with the clock's time. */
    private void append(LogFixture f, int batches) {
        for (int i = 0; i < batches; i++) {
            AppendResult r = f.append(Batches.batch(Compression.NONE, clock.millis(), 4));
            assertEquals(Errors.NONE, r.error(), r.errorMessage());
        }
    }

    private List<String> files(LogFixture f, String suffix) throws IOException {
        try (Stream<Path> list = Files.list(f.partitionDir())) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    private long firstBase(LogFixture f) throws IOException {
        return Long.parseLong(files(f, ".log").get(0).substring(0, 20));
    }

    @Test
    void deletesSegmentsOlderThanRetentionMsAndMovesTheStartOffset() throws IOException {
        try (LogFixture f = fixture(config("retention.ms", Long.toString(HOUR)))) {
            append(f, 40);
            clock.advance(2 * HOUR);
            append(f, 40);

            int deleted = f.disk().deleteOldSegments();

            assertTrue(deleted > 0);
            long start = f.log.logStartOffset();
            assertEquals(firstBase(f), start);
            assertTrue(start > 0 && start <= 160, "only old segments go: " + start);
            assertEquals(320, f.log.logEndOffset());
            assertThrows(OffsetOutOfRangeException.class, () -> f.log.read(0, 1000, 320, true));
            assertEquals(start, Batches.batches(f.read(start, 1, true)).get(0).baseOffset());
        }
    }

    @Test
    void rollsAndDeletesAnExpiredActiveSegment() throws IOException {
        try (LogFixture f = fixture(config("retention.ms", Long.toString(HOUR)))) {
            append(f, 30);
            clock.advance(2 * HOUR);

            f.disk().deleteOldSegments(); // rolls the expired active segment and deletes the rolled ones
            f.disk().deleteOldSegments();

            assertEquals(120, f.log.logStartOffset());
            assertEquals(List.of("00000000000000000120.log"), files(f, ".log"));
            assertEquals(120, f.append(Batches.batch(Compression.NONE, clock.millis(), 1)).baseOffset());
        }
    }

    @Test
    void keepsTheLogAtOrAboveRetentionBytes() throws IOException {
        try (LogFixture f = fixture(config("retention.bytes", "3000"))) {
            append(f, 80);

            f.disk().deleteOldSegments();

            long total = 0;
            for (String name : files(f, ".log")) {
                total += Files.size(f.partitionDir().resolve(name));
            }
            long oldest = Files.size(f.partitionDir().resolve(files(f, ".log").get(0)));
            assertTrue(total >= 3000, "at least retention.bytes stays: " + total);
            assertTrue(total - oldest < 3000, "deleting one more would go below: " + total);
            assertEquals(firstBase(f), f.log.logStartOffset());
        }
    }

    @Test
    void leavesACompactOnlyTopicAlone() throws IOException {
        try (LogFixture f = fixture(config("retention.ms", "1000", "cleanup.policy", "compact"))) {
            append(f, 40);
            clock.advance(HOUR);

            assertEquals(0, f.disk().deleteOldSegments());
            assertEquals(0, f.log.logStartOffset());
        }
    }

    @Test
    void appliesALiveRetentionChangeAtTheNextCheck() throws IOException {
        try (LogFixture f = fixture(config())) {
            append(f, 40);
            clock.advance(2 * HOUR);
            append(f, 1);
            assertEquals(0, f.disk().deleteOldSegments(), "the default retention is a week");

            f.log.updateConfig(config("retention.ms", Long.toString(HOUR)));

            assertTrue(f.disk().deleteOldSegments() > 0);
            assertTrue(f.log.logStartOffset() > 0);
        }
    }

    @Test
    void rollsTheActiveSegmentAfterSegmentMs() throws IOException {
        try (LogFixture f = fixture(config("segment.ms", "60000"))) {
            append(f, 1);
            clock.advance(61_000);

            append(f, 1);

            assertEquals(List.of("00000000000000000000.log", "00000000000000000004.log"), files(f, ".log"));
        }
    }

    @Test
    void theRetentionCheckRollsAnIdleSegmentAfterSegmentMs() throws IOException {
        try (LogFixture f = fixture(config("segment.ms", "60000"))) {
            append(f, 1);
            clock.advance(61_000);

            f.disk().deleteOldSegments();

            assertEquals(List.of("00000000000000000000.log", "00000000000000000004.log"), files(f, ".log"));
        }
    }

    @Test
    void renamesDeletedSegmentsFirstAndDeletesThemAfterTheDelay() throws Exception {
        try (LogFixture f = fixture(config("retention.ms", Long.toString(HOUR), "file.delete.delay.ms", "400"))) {
            append(f, 40);
            clock.advance(2 * HOUR);
            append(f, 40);

            f.disk().deleteOldSegments();

            assertTrue(files(f, ".log.deleted").contains("00000000000000000000.log.deleted"));
            assertTrue(files(f, ".index.deleted").contains("00000000000000000000.index.deleted"));
            assertTrue(files(f, ".timeindex.deleted").contains("00000000000000000000.timeindex.deleted"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!files(f, ".deleted").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of(), files(f, ".deleted"));
        }
    }

    @Test
    void deleteRecordsMovesTheStartOffsetAndDeletesWhollyBelowSegments() throws IOException {
        try (LogFixture f = fixture(config())) {
            append(f, 60);
            long secondBase = Long.parseLong(files(f, ".log").get(1).substring(0, 20));

            long low = f.log.deleteRecordsBefore(secondBase + 2);

            assertEquals(secondBase + 2, low);
            assertEquals(secondBase + 2, f.log.logStartOffset());
            assertEquals(secondBase, firstBase(f));
            assertThrows(OffsetOutOfRangeException.class, () -> f.log.read(secondBase + 1, 1000, 240, true));
            assertEquals(secondBase + 2, f.log.read(secondBase + 2, 1000, 240, true).logStartOffset());
            assertEquals(secondBase + 2, f.log.deleteRecordsBefore(3), "never moves back");
        }
    }

    @Test
    void deleteRecordsRefusesAnOffsetAboveTheHighWatermark() throws IOException {
        try (LogFixture f = fixture(config())) {
            append(f, 2);

            assertThrows(OffsetOutOfRangeException.class, () -> f.log.deleteRecordsBefore(9));
            assertEquals(8, f.log.deleteRecordsBefore(8));
        }
    }

    @Test
    void deleteRecordsIsRefusedOnACompactOnlyTopic() throws IOException {
        try (LogFixture f = fixture(config("cleanup.policy", "compact"))) {
            append(f, 2);

            assertThrows(PolicyViolationException.class, () -> f.log.deleteRecordsBefore(4));
        }
    }
}
