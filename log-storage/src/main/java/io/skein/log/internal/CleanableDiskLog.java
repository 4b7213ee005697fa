package io.skein.log.internal;

import io.skein.log.api.LogConfig;
import io.skein.log.compaction.CleanableLog;
import io.skein.log.segment.LogSegment;
import io.skein.log.segment.Segments;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The log cleaner's view of a {@link DiskPartitionLog}: its segments, its writer lock for the
 * swap, and the registry's deleter for the segments a swap retires.
 *
 * <p>Threading: used by cleaner threads; everything it reads is safe without the lock.
 */
final class CleanableDiskLog implements CleanableLog {

    private final DiskPartitionLog log;

    CleanableDiskLog(DiskPartitionLog log) {
        this.log = log;
    }

    @Override
    public TopicPartition topicPartition() {
        return log.topicPartition();
    }

    @Override
    public Path dir() {
        return log.dir();
    }

    @Override
    public LogConfig config() {
        return log.config();
    }

    @Override
    public long logStartOffset() {
        return log.logStartOffset();
    }

    @Override
    public long highWatermark() {
        return log.highWatermark();
    }

    @Override
    public long lastStableOffset() {
        return log.lastStableOffset();
    }

    @Override
    public Segments segments() {
        return log.segments();
    }

    @Override
    public boolean underWriterLock(LockedAction action) throws IOException {
        return log.underAppendLock(action);
    }

    @Override
    public void retire(List<LogSegment> removed, List<Path> renamedFiles) {
        for (LogSegment s : removed) {
            s.release(); // the owner's reference; the channel closes once readers are done
        }
        log.services().deleter().schedule(renamedFiles, log.config().fileDeleteDelayMs());
    }
}
