package io.skein.log.compaction;

import io.skein.log.api.LogConfig;
import io.skein.log.segment.LogSegment;
import io.skein.log.segment.Segments;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * What the cleaner needs of one partition log. Everything but {@link #underWriterLock} may be
 * called on the cleaner's thread without any lock; the segments are read through their
 * reference counts.
 */
public interface CleanableLog {

    TopicPartition topicPartition();

    /** The partition directory. */
    Path dir();

    LogConfig config();

    long logStartOffset();

    long highWatermark();

    /**
     * The last stable offset: nothing at or past it is cleaned (an open transaction may still
     * abort, and whether its records survive depends on its marker).
     */
    long lastStableOffset();

    Segments segments();

    /**
     * Runs {@code action} under the log's writer lock (appends wait for it), unless the log is
     * closed; returns whether it ran. Keep the action short: file renames and map updates only.
     */
    boolean underWriterLock(LockedAction action) throws IOException;

    /**
     * Retires segments that left the segment map (their files already renamed {@code .deleted}):
     * drops the owner's reference and deletes the files after {@code file.delete.delay.ms}.
     */
    void retire(List<LogSegment> removed, List<Path> renamedFiles);

    /** An action run under the writer lock. */
    @FunctionalInterface
    interface LockedAction {
        void run() throws IOException;
    }
}
