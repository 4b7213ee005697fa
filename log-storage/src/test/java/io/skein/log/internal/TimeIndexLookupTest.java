package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.LogConfig;
import io.skein.log.api.TimestampAndOffset;
import io.skein.log.segment.LogSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeIndexLookupTest {

    private static final long T = 1_700_000_000_000L;
    private static final LogConfig CONFIG = LogFixture.config(Map.of("index.interval.bytes", "200"))
            .withSegmentBytes(4096);

    @TempDir
    Path dir;

    /** Batch i holds 4 records with timestamps T + 100 i .. T + 100 i + 3; one batch (i = 20) goes back in time. */
    private static void fill(LogFixture f) {
        for (int i = 0; i < 60; i++) {
            long ts = i == 20 ? T : T + 100L * i;
            f.append(Batches.batch(Compression.NONE, ts, 4));
        }
    }

    @Test
    void rolledSegmentsEndTheirTimeIndexWithTheirLargestTimestamp() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            fill(f);
            f.registry.close();

            ByteBuffer first = ByteBuffer.wrap(Files.readAllBytes(f.partitionDir().resolve(
                    LogSegment.fileName(0, LogSegment.TIME_INDEX_SUFFIX))));
            assertEquals(0, first.capacity() % 12);
            assertTrue(first.capacity() / 12 > 2, "an entry per index interval");
            long lastTs = first.getLong(first.capacity() - 12);
            int lastRel = first.getInt(first.capacity() - 4);
            assertEquals(T + 100L * (lastRel / 4) + 3, lastTs);
            for (int i = 12; i < first.capacity(); i += 12) {
                assertTrue(first.getLong(i) > first.getLong(i - 12));
                assertTrue(first.getInt(i + 8) > first.getInt(i - 4));
            }
        }
    }

    @Test
    void findsTheFirstRecordAtOrAfterATimestampThroughTheIndexes() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            fill(f);
            f.reopen(CONFIG);

            assertEquals(Optional.of(new TimestampAndOffset(T, 0, 7)), f.log.offsetForTimestamp(T - 5));
            assertEquals(Optional.of(new TimestampAndOffset(T + 1502, 62, 7)), f.log.offsetForTimestamp(T + 1502));
            assertEquals(Optional.of(new TimestampAndOffset(T + 3700, 148, 7)), f.log.offsetForTimestamp(T + 3604));
            assertEquals(Optional.of(new TimestampAndOffset(T + 5900, 236, 7)), f.log.offsetForTimestamp(T + 5900));
            assertEquals(Optional.empty(), f.log.offsetForTimestamp(T + 5904));
            assertEquals(Optional.of(new TimestampAndOffset(T + 5903, 239, 7)), f.log.maxTimestamp());
        }
    }

    @Test
    void answersEveryTimestampLikeAFullScan() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            fill(f);
            f.reopen(CONFIG);

            for (long ts = T - 1; ts < T + 6000; ts += 37) {
                long expectedBatch = -1;
                for (int i = 0; i < 60 && expectedBatch < 0; i++) {
                    long batchTs = i == 20 ? T : T + 100L * i;
                    if (batchTs + 3 >= ts) {
                        expectedBatch = i;
                    }
                }
                Optional<TimestampAndOffset> found = f.log.offsetForTimestamp(ts);
                if (expectedBatch < 0) {
                    assertEquals(Optional.empty(), found);
                } else {
                    assertEquals(expectedBatch, found.orElseThrow().offset() / 4, "timestamp " + (ts - T));
                }
            }
        }
    }

    @Test
    void doesNotAnswerBelowTheLogStartOffset() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            fill(f);
            f.log.deleteRecordsBefore(10);

            assertEquals(10, f.log.offsetForTimestamp(T - 5).orElseThrow().offset());
        }
    }
}
