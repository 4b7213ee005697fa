package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.AppendContext;
import io.skein.log.api.LogConfig;
import io.skein.log.api.TimestampAndOffset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimestampLookupTest {

    private static final long T = System.currentTimeMillis() - 60_000;

    @TempDir
    Path dir;

    private static void fill(LogFixture f) {
        // offsets 0..2 at T, T+10, T+20; 3..5 (gzip) at T+30, T+50, T+40; 6..7 at T+5, T+60
        f.log.append(Batches.withTimestamps(Compression.NONE, T, T + 10, T + 20), new AppendContext(3, T + 100));
        f.log.append(Batches.withTimestamps(Compression.gzip().build(), T + 30, T + 50, T + 40),
                new AppendContext(4, T + 100));
        f.log.append(Batches.withTimestamps(Compression.NONE, T + 5, T + 60), new AppendContext(5, T + 100));
    }

    @Test
    void findsTheFirstRecordAtOrAfterTheTimestamp() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            fill(f);

            assertEquals(Optional.of(new TimestampAndOffset(T + 10, 1, 3)), f.log.offsetForTimestamp(T + 1));
            assertEquals(Optional.of(new TimestampAndOffset(T + 50, 4, 4)), f.log.offsetForTimestamp(T + 45));
            assertEquals(Optional.of(new TimestampAndOffset(T + 60, 7, 5)), f.log.offsetForTimestamp(T + 55));
            assertEquals(Optional.empty(), f.log.offsetForTimestamp(T + 61));
        }
    }

    @Test
    void maxTimestampIsTheRecordHoldingTheLargestTimestamp() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            assertEquals(Optional.empty(), f.log.maxTimestamp());
            f.log.append(Batches.withTimestamps(Compression.NONE, T, T + 90, T + 20), new AppendContext(3, T + 100));
            f.log.append(Batches.withTimestamps(Compression.NONE, T + 30), new AppendContext(3, T + 100));

            assertEquals(Optional.of(new TimestampAndOffset(T + 90, 1, 3)), f.log.maxTimestamp());
        }
    }

    @Test
    void timestampLookupsWorkAcrossSegmentsAfterAReopen() throws IOException {
        LogConfig config = LogConfig.defaults().withSegmentBytes(300);
        try (LogFixture f = new LogFixture(dir, config)) {
            for (int i = 0; i < 20; i++) {
                f.log.append(Batches.withTimestamps(Compression.NONE, T + i * 10, T + i * 10 + 5),
                        new AppendContext(0, T + 1000));
            }
            f.log.append(Batches.withTimestamps(Compression.NONE, T + 1), new AppendContext(0, T + 1000));

            f.reopen(config);

            assertTrue(f.registry.get(LogFixture.TP).isPresent());
            assertEquals(Optional.of(new TimestampAndOffset(T + 190, 38, 0)), f.log.offsetForTimestamp(T + 186));
            assertEquals(Optional.of(new TimestampAndOffset(T + 195, 39, 0)), f.log.maxTimestamp());
        }
    }
}
