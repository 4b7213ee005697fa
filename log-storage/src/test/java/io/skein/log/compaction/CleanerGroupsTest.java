package io.skein.log.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.CompactionConfig;
import io.skein.log.segment.LogSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy's choice of what to clean, and how segments are grouped for the rewrite. */
class CleanerGroupsTest {

    @TempDir
    Path dir;

    private final List<LogSegment> segments = new ArrayList<>();

    /** Segments of 10 offsets and 100 bytes each (fake batches are not needed: sizes and bases are). */
    private void segments(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            LogSegment s = LogSegment.create(dir, i * 10L, 4096, 4096, 0);
            ByteBuffer bytes = ByteBuffer.allocate(100);
            s.append(bytes, i * 10L + 9, new LogSegment.TimestampMark(1000 + i, i * 10L, 0), new int[] {0},
                    new long[] {i * 10L}, 1);
            segments.add(s);
        }
    }

    @AfterEach
    void close() throws IOException {
        for (LogSegment s : segments) {
            s.closeWhenUnused();
        }
    }

    @Test
    void groupsConsecutiveSegmentsUpToSegmentBytes() throws IOException {
        segments(5);

        List<List<LogSegment>> groups = Cleaner.groups(segments, 50, 250);

        assertEquals(List.of(2, 2, 1), groups.stream().map(List::size).toList());
        assertEquals(20, groups.get(1).get(0).baseOffset());
    }

    @Test
    void plansTheDirtySectionBelowTheActiveSegmentFromTheCleanPoint() throws IOException {
        segments(5);
        CompactionConfig config = new CompactionConfig(0, 0.5, 0, Long.MAX_VALUE);

        CleaningPlan plan = CleanerPolicy.plan(segments, 0, 50, 10, config, 2000);

        assertNotNull(plan);
        assertEquals(4, plan.segments().size(), "the last segment is active");
        assertEquals(1, plan.firstDirtyIndex());
        assertEquals(40, plan.endOffset());
        assertEquals(0.75, plan.dirtyRatio(), 1e-9);
    }

    @Test
    void waitsForTheDirtyRatioAndTheMinimumCompactionLag() throws IOException {
        segments(5);

        assertNull(CleanerPolicy.plan(segments, 0, 50, 30, new CompactionConfig(0, 0.5, 0, Long.MAX_VALUE), 2000),
                "one dirty segment of four is below 0.5");
        CleaningPlan lagged = CleanerPolicy.plan(segments, 0, 50, 0, new CompactionConfig(0, 0.1, 999, Long.MAX_VALUE),
                2000);
        assertEquals(2, lagged.segments().size(), "segments newer than min.compaction.lag.ms wait");
        CleaningPlan forced = CleanerPolicy.plan(segments, 0, 50, 30, new CompactionConfig(0, 0.9, 0, 500), 2000);
        assertTrue(forced.forced(), "max.compaction.lag.ms passed");
    }
}
