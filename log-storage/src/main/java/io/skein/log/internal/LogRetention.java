package io.skein.log.internal;

import io.skein.log.api.LogConfig;
import io.skein.log.retention.RetentionPolicy;
import io.skein.log.retention.SegmentSummary;
import io.skein.log.segment.LogSegment;
import io.skein.log.segment.Segments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@link RetentionPolicy}'s decisions on one log: rolls the active segment when it is
 * due, then retires the oldest deletable segments. Retiring a segment: the log start offset moves
 * past it first (readers below it now get OFFSET_OUT_OF_RANGE), it leaves the segment map, its
 * indexes are trimmed and its owner reference dropped, its files are renamed {@code *.deleted}
 * and deleted {@code file.delete.delay.ms} later by the {@link SegmentFileDeleter}; fetches still
 * sending from it finish on their open channel.
 *
 * <p>Threading: called by the owning {@link DiskPartitionLog} under its append lock only.
 */
final class LogRetention {

    private static final Logger log = LoggerFactory.getLogger(LogRetention.class);

    /** Receives the new log start offset before a segment leaves the map. */
    interface StartOffsetSink {
        void advanceTo(long logStartOffset);
    }

    private final TopicPartition tp;
    private final Segments segments;
    private final LogAppender appender;
    private final SegmentFileDeleter deleter;

    LogRetention(TopicPartition tp, Segments segments, LogAppender appender, SegmentFileDeleter deleter) {
        this.tp = tp;
        this.segments = segments;
        this.appender = appender;
        this.deleter = deleter;
    }

    /** Rolls if due, then deletes what the policy allows; returns the number of segments deleted. */
    int run(LogConfig config, long nowMs, long logStartOffset, long highWatermark, StartOffsetSink sink)
            throws IOException {
        LogSegment active = segments.active();
        if (RetentionPolicy.rollActive(summaryOf(active, null), active.createdMs(),
                RetentionPolicy.jitterMs(active.baseOffset(), tp.hashCode(), config), config, nowMs)) {
            appender.roll(segments.end().offset(), config, nowMs);
        }
        return deleteDeletable(config, nowMs, logStartOffset, highWatermark, false, sink);
    }

    /**
     * Deletes the segments wholly below the log start offset or (unless {@code startOffsetOnly})
     * past retention; no roll.
     */
    int deleteDeletable(LogConfig config, long nowMs, long logStartOffset, long highWatermark, boolean startOffsetOnly,
                        StartOffsetSink sink) throws IOException {
        List<LogSegment> all = new ArrayList<>(segments.all());
        List<SegmentSummary> summaries = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            summaries.add(summaryOf(all.get(i), i + 1 < all.size() ? all.get(i + 1) : null));
        }
        RetentionPolicy.Decision decision = RetentionPolicy.deletable(summaries, config, nowMs, logStartOffset,
                highWatermark, startOffsetOnly);
        if (decision.count() == 0) {
            return 0;
        }
        long newStart = Math.max(logStartOffset, all.get(decision.count()).baseOffset());
        sink.advanceTo(newStart);
        long bytes = 0;
        for (int i = 0; i < decision.count(); i++) {
            LogSegment s = all.get(i);
            bytes += s.size();
            segments.remove(s);
            s.closeWhenUnused();
            deleter.schedule(s.renameForDeletion(), config.fileDeleteDelayMs());
        }
        log.info("Deleted {} segments ({} bytes) of {} ({}); the log start offset is now {}", decision.count(), bytes,
                tp, reasonText(decision.reason(), config), newStart);
        return decision.count();
    }

    private static String reasonText(RetentionPolicy.Reason reason, LogConfig config) {
        return switch (reason) {
            case LOG_START_OFFSET -> "below the log start offset";
            case RETENTION_MS -> "retention.ms=" + config.retentionMs() + " passed";
            case RETENTION_BYTES -> "over retention.bytes=" + config.retentionBytes();
        };
    }

    private static SegmentSummary summaryOf(LogSegment s, LogSegment next) throws IOException {
        long ts = s.largestTimestamp();
        if (ts < 0 && s.size() > 0) {
            Path file = s.logFile();
            ts = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : -1;
        }
        return new SegmentSummary(s.baseOffset(), next == null ? -1 : next.baseOffset(), s.size(), ts);
    }
}
