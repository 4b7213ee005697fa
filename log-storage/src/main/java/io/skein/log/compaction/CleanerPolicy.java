package io.skein.log.compaction;

import io.skein.log.api.CompactionConfig;
import io.skein.log.segment.LogSegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides what of a compacted log may be cleaned now and whether it should be: Kafka's rules.
 * <ul>
 * <li>The cleanable section ends before the active segment, before the segment holding the high
 *     watermark, and before the first segment whose largest timestamp is newer than
 *     {@code now - min.compaction.lag.ms}.</li>
 * <li>The dirty section starts at the segment holding the log's clean point (from the
 *     {@code cleaner-offset-checkpoint}; the log start offset when unknown or out of range).</li>
 * <li>The log is due when dirty bytes / (clean + dirty bytes) ≥ {@code min.cleanable.dirty.ratio},
 *     or when the first dirty segment's largest timestamp is older than
 *     {@code now - max.compaction.lag.ms} (an approximation by segment: a record may wait up to one
 *     segment's time span longer).</li>
 * </ul>
 * Stateless; reads segment sizes and timestamps only (no I/O beyond index files already mapped).
 */
final class CleanerPolicy {

    private CleanerPolicy() {
    }

    /** The plan if the log should be cleaned now, else null. */
    static CleaningPlan plan(List<LogSegment> all, long logStartOffset, long highWatermark, long cleanPoint,
                             CompactionConfig config, long nowMs) {
        if (all.size() < 2) {
            return null;
        }
        long firstDirty = cleanPoint < logStartOffset || cleanPoint > highWatermark ? logStartOffset : cleanPoint;
        List<LogSegment> cleanable = new ArrayList<>();
        long end = -1;
        for (int i = 0; i + 1 < all.size(); i++) {
            LogSegment s = all.get(i);
            LogSegment next = all.get(i + 1);
            boolean belowHighWatermark = next.baseOffset() <= highWatermark;
            boolean oldEnough = config.minCompactionLagMs() <= 0
                    || s.largestTimestamp() <= nowMs - config.minCompactionLagMs();
            if (!belowHighWatermark || !oldEnough) {
                break;
            }
            if (next.baseOffset() <= logStartOffset) {
                continue; // wholly below the log start offset: retention deletes it
            }
            cleanable.add(s);
            end = next.baseOffset();
        }
        if (cleanable.isEmpty() || firstDirty >= end) {
            return null;
        }
        int firstDirtyIndex = 0;
        long cleanBytes = 0;
        long dirtyBytes = 0;
        for (int i = 0; i < cleanable.size(); i++) {
            LogSegment s = cleanable.get(i);
            long next = i + 1 < cleanable.size() ? cleanable.get(i + 1).baseOffset() : end;
            if (next <= firstDirty) {
                cleanBytes += s.size();
                firstDirtyIndex = i + 1;
            } else {
                dirtyBytes += s.size();
            }
        }
        long dirtyStart = cleanable.get(firstDirtyIndex).baseOffset(); // whole segments go into the map
        boolean forced = config.maxCompactionLagMs() != Long.MAX_VALUE
                && cleanable.get(firstDirtyIndex).largestTimestamp() >= 0
                && cleanable.get(firstDirtyIndex).largestTimestamp() < nowMs - config.maxCompactionLagMs();
        CleaningPlan plan = new CleaningPlan(List.copyOf(cleanable), firstDirtyIndex, dirtyStart, end, cleanBytes,
                dirtyBytes, forced);
        if (dirtyBytes == 0 || (!forced && plan.dirtyRatio() < config.minCleanableDirtyRatio())) {
            return null;
        }
        return plan;
    }
}
