package io.skein.log.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.LogConfig;
import io.skein.log.api.TopicConfigs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    private static final long NOW = 1_700_000_000_000L;

    private static LogConfig config(Map<String, String> overrides) {
        return LogConfig.from(new TopicConfigs().resolve(overrides, Map.of()));
    }

    /** Four segments of 100 bytes at offsets 0, 10, 20 and 30 (active), largest timestamps NOW - 40 s .. NOW - 10 s. */
    private static List<SegmentSummary> segments() {
        return List.of(new SegmentSummary(0, 10, 100, NOW - 40_000), new SegmentSummary(10, 20, 100, NOW - 30_000),
                new SegmentSummary(20, 30, 100, NOW - 20_000), new SegmentSummary(30, -1, 100, NOW - 10_000));
    }

    @Test
    void deletesTheSegmentsPastRetentionMsButNeverTheActiveOne() {
        RetentionPolicy.Decision d = RetentionPolicy.deletable(segments(), config(Map.of("retention.ms", "5000")),
                NOW, 0, 40, false);

        assertEquals(3, d.count());
        assertEquals(RetentionPolicy.Reason.RETENTION_MS, d.reason());
    }

    @Test
    void stopsAtTheHighWatermark() {
        assertEquals(1, RetentionPolicy.deletable(segments(), config(Map.of("retention.ms", "5000")), NOW, 0, 15,
                false).count());
    }

    @Test
    void keepsAtLeastRetentionBytes() {
        assertEquals(2, RetentionPolicy.deletable(segments(), config(Map.of("retention.bytes", "150")), NOW, 0, 40,
                false).count());
        assertEquals(1, RetentionPolicy.deletable(segments(), config(Map.of("retention.bytes", "300")), NOW, 0, 40,
                false).count());
    }

    @Test
    void deletesOnlyAPrefix() {
        List<SegmentSummary> s = List.of(new SegmentSummary(0, 10, 100, NOW), new SegmentSummary(10, 20, 100, 1),
                new SegmentSummary(20, -1, 100, NOW));

        assertEquals(0, RetentionPolicy.deletable(s, config(Map.of("retention.ms", "5000")), NOW, 0, 30, false)
                .count());
    }

    @Test
    void segmentsBelowTheStartOffsetGoWhateverThePolicy() {
        RetentionPolicy.Decision d = RetentionPolicy.deletable(segments(), config(Map.of("cleanup.policy", "compact")),
                NOW, 20, 40, false);

        assertEquals(2, d.count());
        assertEquals(RetentionPolicy.Reason.LOG_START_OFFSET, d.reason());
    }

    @Test
    void deleteRecordsDoesNotApplyRetention() {
        assertEquals(1, RetentionPolicy.deletable(segments(), config(Map.of("retention.ms", "5000")), NOW, 12, 40,
                true).count());
    }

    @Test
    void rollsANonEmptyActiveSegmentAfterSegmentMsLessJitter() {
        LogConfig c = config(Map.of("segment.ms", "60000"));
        SegmentSummary active = new SegmentSummary(30, -1, 100, NOW);

        assertFalse(RetentionPolicy.rollActive(active, NOW - 60_000, 0, c, NOW));
        assertTrue(RetentionPolicy.rollActive(active, NOW - 60_001, 0, c, NOW));
        assertTrue(RetentionPolicy.rollActive(active, NOW - 50_001, 10_000, c, NOW));
        assertFalse(RetentionPolicy.rollActive(new SegmentSummary(30, -1, 0, -1), 0, 0, c, NOW));
    }

    @Test
    void jitterStaysBelowSegmentJitterMs() {
        LogConfig c = config(Map.of("segment.jitter.ms", "1000"));
        for (long base = 0; base < 5000; base += 37) {
            long jitter = RetentionPolicy.jitterMs(base, 17, c);
            assertTrue(jitter >= 0 && jitter < 1000, "jitter " + jitter);
        }
        assertEquals(0, RetentionPolicy.jitterMs(5, 17, config(Map.of())));
    }
}
