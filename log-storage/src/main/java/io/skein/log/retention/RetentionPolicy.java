package io.skein.log.retention;

import io.skein.log.api.LogConfig;
import java.util.List;

/**
 * Kafka's retention rules for one log, as decisions:
 * <ul>
 * <li>only rolled segments wholly below the high watermark may go, and only a prefix (oldest
 *     first): the first segment that must stay ends the deletion;</li>
 * <li>a segment wholly below the log start offset goes (after DeleteRecords), whatever the policy;</li>
 * <li>with {@code cleanup.policy} containing {@code delete}: a segment whose largest timestamp is
 *     more than {@code retention.ms} old goes ({@code -1}: never), and while the log is larger than
 *     {@code retention.bytes} ({@code -1}: unlimited) the oldest segments go as long as the log
 *     stays at or above the limit;</li>
 * <li>the active segment rolls (so it can go at the next check) when it is non-empty and either
 *     {@code segment.ms} (less the segment's jitter) has passed since it was created or its
 *     data is past {@code retention.ms}.</li>
 * </ul>
 *
 * <p>Stateless.
 */
public final class RetentionPolicy {

    /** Why a segment is deleted, for the log line. */
    public enum Reason { LOG_START_OFFSET, RETENTION_MS, RETENTION_BYTES }

    private RetentionPolicy() {
    }

    /**
     * How many of the oldest segments to delete, and the reason for the last of them.
     *
     * @param segments every segment, oldest first, the active one last
     * @param startOffsetOnly only segments below the log start offset (DeleteRecords), no retention
     */
    public static Decision deletable(List<SegmentSummary> segments, LogConfig config, long nowMs,
                                     long logStartOffset, long highWatermark, boolean startOffsetOnly) {
        long total = 0;
        for (SegmentSummary s : segments) {
            total += s.sizeInBytes();
        }
        boolean retain = config.delete() && !startOffsetOnly;
        long excess = retain && config.retentionBytes() >= 0 ? total - config.retentionBytes() : -1;
        int count = 0;
        Reason reason = null;
        for (SegmentSummary s : segments) {
            if (s.active() || s.nextBaseOffset() > highWatermark) {
                break;
            }
            Reason why;
            if (s.nextBaseOffset() <= logStartOffset) {
                why = Reason.LOG_START_OFFSET;
            } else if (retain && timeExpired(s, config, nowMs)) {
                why = Reason.RETENTION_MS;
            } else if (excess >= 0 && excess - s.sizeInBytes() >= 0) {
                why = Reason.RETENTION_BYTES;
            } else {
                break;
            }
            excess -= s.sizeInBytes();
            count++;
            reason = why;
        }
        return new Decision(count, reason);
    }

    /** The number of oldest segments to delete and why (null when none). */
    public record Decision(int count, Reason reason) {
    }

    /** Whether the active segment should roll now; {@code jitterMs} is this segment's share of {@code segment.jitter.ms}. */
    public static boolean rollActive(SegmentSummary active, long createdMs, long jitterMs, LogConfig config,
                                     long nowMs) {
        if (active.sizeInBytes() == 0) {
            return false;
        }
        return segmentMsExpired(createdMs, jitterMs, config, nowMs)
                || (config.delete() && timeExpired(active, config, nowMs));
    }

    /** Whether a non-empty active segment created at {@code createdMs} is older than {@code segment.ms - jitter}. */
    public static boolean segmentMsExpired(long createdMs, long jitterMs, LogConfig config, long nowMs) {
        return nowMs - createdMs > config.segmentMs() - jitterMs;
    }

    /** This segment's jitter: a stable pseudo-random share of {@code segment.jitter.ms}. */
    public static long jitterMs(long baseOffset, int salt, LogConfig config) {
        long bound = Math.min(config.segmentJitterMs(), config.segmentMs());
        if (bound <= 0) {
            return 0;
        }
        long mixed = (baseOffset * 0x9E3779B97F4A7C15L) ^ salt;
        return Math.floorMod(mixed ^ (mixed >>> 29), bound);
    }

    private static boolean timeExpired(SegmentSummary s, LogConfig config, long nowMs) {
        return config.retentionMs() >= 0 && s.largestTimestamp() >= 0
                && nowMs - s.largestTimestamp() > config.retentionMs();
    }
}
