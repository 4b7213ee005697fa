package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.log.api.LogConfig;
import io.skein.log.api.StorageSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlushTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(1_700_000_000_000L);

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void assertOk(io.skein.log.api.AppendResult result) {
        assertEquals(org.apache.kafka.common.protocol.Errors.NONE, result.error(), result.errorMessage());
    }

    private LogFixture fixture(LogConfig config) throws IOException {
        return new LogFixture(StorageSettings.defaults(List.of(dir), config).withClock(clock), config);
    }

    @Test
    void reliesOnThePageCacheByDefault() throws IOException {
        try (LogFixture f = fixture(LogConfig.defaults())) {
            for (int i = 0; i < 10; i++) {
                assertOk(f.append(Batches.batch(org.apache.kafka.common.compress.Compression.NONE, clock.millis(), 3)));
            }
            clock.advance(3_600_000);

            f.disk().flushDueLogs();

            assertEquals(0, f.diskLog().recoveryPoint());
        }
    }

    @Test
    void flushesEveryFlushMessagesRecords() throws IOException {
        try (LogFixture f = fixture(LogFixture.config(Map.of("flush.messages", "5")))) {
            assertOk(f.append(Batches.batch(org.apache.kafka.common.compress.Compression.NONE, clock.millis(), 3)));
            assertEquals(0, f.diskLog().recoveryPoint());

            assertOk(f.append(Batches.batch(org.apache.kafka.common.compress.Compression.NONE, clock.millis(), 3)));

            assertEquals(6, f.diskLog().recoveryPoint());
        }
    }

    @Test
    void theBackgroundFlusherFlushesAfterFlushMs() throws IOException {
        try (LogFixture f = fixture(LogFixture.config(Map.of("flush.ms", "1000")))) {
            assertOk(f.append(Batches.batch(org.apache.kafka.common.compress.Compression.NONE, clock.millis(), 4)));
            f.disk().flushDueLogs();
            assertEquals(0, f.diskLog().recoveryPoint(), "not due yet");
            clock.advance(1000);

            f.disk().flushDueLogs();

            assertEquals(4, f.diskLog().recoveryPoint());
        }
    }

    @Test
    void aRollMovesTheRecoveryPointToTheNewSegmentOnceFlushed() throws IOException {
        try (LogFixture f = fixture(LogConfig.defaults().withSegmentBytes(1024))) {
            for (int i = 0; i < 20; i++) {
                assertOk(f.append(Batches.batch(org.apache.kafka.common.compress.Compression.NONE, clock.millis(), 4)));
            }

            long deadline = System.nanoTime() + 10_000_000_000L;
            while (f.diskLog().recoveryPoint() == 0 && System.nanoTime() < deadline) {
                sleep(10);
            }
            long activeBase = f.diskLog().recoveryPoint();

            assertEquals(true, activeBase > 0 && activeBase < 80, "moved by the background flush: " + activeBase);
            assertEquals(0, activeBase % 4);
        }
    }

    @Test
    void theBrokerFlushIntervalIsTheTopicDefault() {
        LogConfig config = LogConfig.from(new io.skein.log.api.TopicConfigs().resolve(Map.of(),
                Map.of("log.flush.interval.messages", "10", "log.flush.interval.ms", "250")));

        assertEquals(10, config.flushMessages());
        assertEquals(250, config.flushMs());
    }
}
