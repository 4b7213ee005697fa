package io.skein.log.compaction;

import io.skein.log.segment.LogSegment;
import java.util.List;

/**
 * What one cleaning of a log covers: the segments below the first uncleanable offset, the ones
 * from {@code firstDirtyOffset} on being dirty (their keys go into the offset map), all of them
 * rewritten.
 *
 * @param segments the cleanable segments in offset order (never the active one)
 * @param firstDirtyIndex index in {@code segments} of the first dirty segment
 * @param firstDirtyOffset where the dirty section starts
 * @param endOffset the first offset not cleaned (the base offset of the first uncleanable segment):
 *     the new clean point once done
 * @param cleanBytes bytes of the clean section
 * @param dirtyBytes bytes of the dirty section
 * @param forced chosen because {@code max.compaction.lag.ms} passed rather than for its dirty ratio
 */
record CleaningPlan(List<LogSegment> segments, int firstDirtyIndex, long firstDirtyOffset, long endOffset,
                    long cleanBytes, long dirtyBytes, boolean forced) {

    double dirtyRatio() {
        long total = cleanBytes + dirtyBytes;
        return total == 0 ? 0 : (double) dirtyBytes / total;
    }

    List<LogSegment> dirtySegments() {
        return segments.subList(firstDirtyIndex, segments.size());
    }

    /** An upper bound of the distinct keys in the dirty section: its offset range. */
    long maxDirtyKeys() {
        return Math.max(1, endOffset - firstDirtyOffset);
    }
}
