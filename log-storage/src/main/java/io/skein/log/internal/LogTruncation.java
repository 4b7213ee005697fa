package io.skein.log.internal;

import io.skein.log.api.LogConfig;
import io.skein.log.epoch.LeaderEpochCache;
import io.skein.log.producer.ProducerStateTable;
import io.skein.log.segment.BatchHeader;
import io.skein.log.segment.LogSegment;
import io.skein.log.segment.Segments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a log back (a follower removing history that diverged from its leader's, or emptying its
 * log to restart at the leader's start offset): segments, then the leader-epoch history and the
 * producer state (rebuilt from the newest producer-state snapshot left and the batch headers after it). The log fixes its own offsets (start,
 * high watermark, recovery point) afterwards.
 *
 * <p>{@link #truncateTo}: segments starting after the cut are retired (renamed {@code .deleted},
 * deleted later), and the segment holding the cut is cut at the start of the first batch whose
 * last offset is at or after the target (a batch is never split, so the new end may be below the
 * target) and reopened as the active segment with rebuilt indexes. The old index files are
 * unlinked, not truncated, so a reader still looking through their mappings never faults.
 * {@link #truncateFullyAndStartAt}: every segment is retired and one empty segment starts at the
 * new offset.
 *
 * <p>Readers: a fetch that already holds a slice of the removed bytes may send fewer bytes than it
 * planned (the file got shorter); consumers read below the high watermark, which truncation only
 * crosses after the leader lost acknowledged history, as in Kafka.
 *
 * <p>Threading: called by the owning {@link DiskPartitionLog} under its append lock only.
 */
final class LogTruncation {

    private static final Logger log = LoggerFactory.getLogger(LogTruncation.class);

    private final TopicPartition tp;
    private final Path dir;
    private final Segments segments;
    private final ProducerStateTable producers;
    private final LeaderEpochCache epochs;
    private final SegmentFileDeleter deleter;

    LogTruncation(TopicPartition tp, Path dir, Segments segments, ProducerStateTable producers,
                  LeaderEpochCache epochs, SegmentFileDeleter deleter) {
        this.tp = tp;
        this.dir = dir;
        this.segments = segments;
        this.producers = producers;
        this.epochs = epochs;
        this.deleter = deleter;
    }

    /**
     * Removes every batch whose last offset is at or after {@code offset}; the caller checked
     * that {@code offset} is below the log end offset and not below the first segment's base.
     *
     * @return the new log end offset
     */
    long truncateTo(long offset, LogConfig config, long nowMs) throws IOException {
        LogSegment holding = segments.floor(offset);
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        int cutAt = holding.positionOf(offset, holding.size(), header);
        if (cutAt < 0) {
            cutAt = holding.size();
        }
        long bytesCut = holding.size() - cutAt;
        holding.closeWhenUnused();
        Files.deleteIfExists(dir.resolve(LogSegment.fileName(holding.baseOffset(), LogSegment.INDEX_SUFFIX)));
        Files.deleteIfExists(dir.resolve(LogSegment.fileName(holding.baseOffset(), LogSegment.TIME_INDEX_SUFFIX)));
        try (FileChannel ch = FileChannel.open(holding.logFile(), StandardOpenOption.WRITE)) {
            ch.truncate(cutAt);
            ch.force(true);
        }
        LogSegment fresh = LogSegment.open(dir, holding.baseOffset(), config.segmentIndexBytes(),
                config.indexIntervalBytes(), true, nowMs);
        fresh.recover(true, false, null);
        fresh.txnIndex().truncateTo(fresh.lastOffset() + 1);
        List<LogSegment> later = segments.truncateTo(fresh);
        long laterBytes = retire(later, config);
        long end = segments.end().offset();
        epochs.truncateFromEnd(end);
        ProducerSnapshotFile.deleteAbove(dir, end); // snapshots of the history cut away must never be loaded
        rebuildProducers(end);
        log.info("Truncated {} in {} to offset {}: cut {} bytes of {} and removed {} later segments ({} bytes); "
                + "the log now ends at offset {}", tp, dir.getParent(), offset, bytesCut,
                holding.logFile().getFileName(), later.size(), laterBytes, end);
        return end;
    }

    /**
     * Producer state as of the new end, as the loader restores it: the newest snapshot at or below
     * the end, then the batch headers after it (every batch's when there is none), so a truncation
     * reads about one segment's headers, not the whole log's.
     */
    private void rebuildProducers(long end) throws IOException {
        Optional<ProducerSnapshotFile.Snapshot> snapshot = ProducerSnapshotFile.latest(dir, end);
        if (snapshot.isPresent()) {
            producers.restore(snapshot.get().producers());
        } else {
            producers.clear();
        }
        long from = snapshot.map(ProducerSnapshotFile.Snapshot::offset).orElse(-1L);
        LogLoader.forEachBatch(segments, from, (batch, position) -> ProducerStateReplay.replay(producers, batch, null,
                position));
    }

    /** Retires every segment and starts an empty one at {@code offset}. */
    void truncateFullyAndStartAt(long offset, LogConfig config, long nowMs) throws IOException {
        List<LogSegment> old = List.copyOf(segments.all());
        for (LogSegment s : old) {
            s.closeWhenUnused();
        }
        long bytes = 0;
        for (LogSegment s : old) {
            bytes += s.size();
            deleter.schedule(s.renameForDeletion(), config.fileDeleteDelayMs());
        }
        LogSegment fresh = LogSegment.create(dir, offset, config.segmentIndexBytes(), config.indexIntervalBytes(),
                nowMs);
        segments.replaceAll(fresh);
        ProducerSnapshotFile.deleteAbove(dir, -1);
        epochs.clear();
        producers.clear();
        log.info("Truncated all of {} in {} ({} segments, {} bytes); the log restarts at offset {}", tp,
                dir.getParent(), old.size(), bytes, offset);
    }

    private long retire(List<LogSegment> removed, LogConfig config) throws IOException {
        long bytes = 0;
        for (LogSegment s : removed) {
            bytes += s.size();
            s.closeWhenUnused();
            deleter.schedule(s.renameForDeletion(), config.fileDeleteDelayMs());
        }
        return bytes;
    }
}
