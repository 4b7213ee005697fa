package io.skein.log.internal;

import io.skein.log.api.LogConfig;
import io.skein.log.compaction.SegmentSwap;
import io.skein.log.epoch.EpochEntry;
import io.skein.log.epoch.LeaderEpochCache;
import io.skein.log.epoch.LeaderEpochCheckpointFile;
import io.skein.log.producer.CompletedTxn;
import io.skein.log.producer.ProducerStateTable;
import io.skein.log.segment.BatchHeader;
import io.skein.log.segment.LogSegment;
import io.skein.log.segment.Segments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory:
 * <ol>
 * <li>completes a cleaner's swap a crash interrupted ({@code *.swap}, see {@link SegmentSwap}), then
 *     removes leftovers of interrupted work ({@code *.deleted}, {@code *.cleaned}, {@code *.tmp})
 *     and index files without a log;</li>
 * <li>after a clean stop, trusts rolled segments and their indexes after a sanity check (indexes
 *     that are missing or do not agree with the log are rebuilt) and rebuilds the active
 *     segment's indexes by walking its batch headers;</li>
 * <li>after an unclean stop, recovers every segment from the one holding the recovery point on:
 *     each batch is checked (size bounds, magic, CRC, increasing offsets), the log is cut at the
 *     first bad batch and every later segment deleted, and the indexes of the recovered segments
 *     are rebuilt; one WARN line says what was cut;</li>
 * <li>restores producer state from the newest producer-state snapshot at or below the first
 *     walked segment ({@link ProducerSnapshotFile}) and the batch headers after it (every segment's
 *     when there is no snapshot), deletes snapshots past the log end, and restores the log start
 *     offset from its checkpoint (bounded by the segments); the aborted-transaction index of each
 *     walked segment (recovered, or the active one) is rebuilt by that replay
 *     ({@link ProducerStateReplay});</li>
 * <li>loads the leader-epoch history from {@code leader-epoch-checkpoint} (adding the epochs of
 *     recovered batches; rebuilt from every batch's partition leader epoch when the file is missing
 *     or corrupt) and drops entries past the log end or below the log start;</li>
 * <li>restores the high watermark from {@code replication-offset-checkpoint}, clamped to the
 *     log.</li>
 * </ol>
 *
 * <p>Stateless; the registry calls it on a recovery thread or the thread creating the log.
 */
final class LogLoader {

    private static final Logger log = LoggerFactory.getLogger(LogLoader.class);
    private static final List<String> LEFTOVER_SUFFIXES = List.of(".deleted", ".cleaned", ".tmp");

    /**
     * What the log directory knows about a partition before it is loaded.
     *
     * @param uncleanShutdown the directory was not closed cleanly: recover past the recovery point
     * @param recoveryPoint offset below which the log was forced to disk (0 when unknown)
     * @param checkpointedStartOffset the log start offset from the checkpoint, -1 when unknown
     * @param checkpointedHighWatermark the high watermark from {@code replication-offset-checkpoint}
     *     (0 when unknown), clamped to the loaded log
     */
    record LoadOptions(boolean uncleanShutdown, long recoveryPoint, long checkpointedStartOffset,
                       long checkpointedHighWatermark) {
        static final LoadOptions NEW_LOG = new LoadOptions(false, 0, -1, 0);
    }

    private LogLoader() {
    }

    static DiskPartitionLog load(Path dir, TopicPartition tp, Uuid topicId, LogConfig config, LoadOptions options,
                                 LogServices services) throws IOException {
        long now = services.clock().millis();
        SegmentSwap.completeInterruptedSwaps(dir);
        List<Long> bases = listAndClean(dir, tp);
        if (bases.isEmpty()) {
            bases.add(0L);
        }
        long recoverFrom = options.uncleanShutdown() ? floor(bases, options.recoveryPoint()) : Long.MAX_VALUE;
        ProducerStateTable producers = new ProducerStateTable();
        // producer state: the newest snapshot at or below the first walked segment, then the batches after it
        long walkedFrom = Math.min(recoverFrom, bases.get(bases.size() - 1));
        Optional<ProducerSnapshotFile.Snapshot> snapshot = ProducerSnapshotFile.latest(dir, walkedFrom);
        snapshot.ifPresent(s -> producers.restore(s.producers()));
        long producersFrom = snapshot.map(ProducerSnapshotFile.Snapshot::offset).orElse(-1L);
        LeaderEpochCheckpointFile epochFile = new LeaderEpochCheckpointFile(dir);
        Optional<List<EpochEntry>> storedEpochs = readEpochs(epochFile, tp);
        LeaderEpochCache epochs = new LeaderEpochCache(tp.toString(), storedEpochs.orElse(List.of()),
                epochFile::write);
        List<LogSegment> loaded = new ArrayList<>(bases.size());
        List<CompletedTxn> completed = new ArrayList<>(); // transactions the replay saw end (nulls for other batches)
        long truncated = 0;
        String truncatedIn = null;
        int deletedSegments = 0;
        long deletedBytes = 0;
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            if (truncatedIn != null) {
                deletedBytes += Files.size(dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX)));
                deleteSegmentFiles(dir, base);
                deletedSegments++;
                continue;
            }
            boolean last = i == bases.size() - 1;
            boolean recover = base >= recoverFrom;
            LogSegment segment;
            long cut;
            if (recover || last) {
                LogSegment walked = LogSegment.open(dir, base, config.segmentIndexBytes(), config.indexIntervalBytes(),
                        true, now);
                walked.txnIndex().reset(); // rebuilt by the producer-state replay of the walk
                cut = walked.recover(true, recover, (header, position) -> {
                    completed.add(ProducerStateReplay.replay(producers, header, walked, position));
                    restoreEpoch(epochs, header, options.checkpointedStartOffset());
                });
                segment = walked;
            } else {
                segment = openRolled(dir, tp, base, config, now);
                cut = 0;
                if (i + 1 < bases.size() && bases.get(i + 1) > producersFrom) {
                    restoreProducersFrom(segment, producers, producersFrom, completed);
                }
            }
            if (cut > 0) {
                truncated = cut;
                truncatedIn = segment.logFile().getFileName().toString();
            }
            boolean nowLast = last || truncatedIn != null;
            if (!nowLast && segment.size() == 0) {
                segment.closeWhenUnused();
                segment.deleteFiles();
                continue;
            }
            if (!nowLast && (recover || last)) {
                segment.onRoll();
            }
            loaded.add(segment);
        }
        if (loaded.isEmpty()) {
            loaded.add(LogSegment.create(dir, bases.get(0), config.segmentIndexBytes(), config.indexIntervalBytes(), now));
        }
        Segments segments = new Segments(loaded);
        long end = segments.end().offset();
        if (truncatedIn != null) {
            log.warn("Recovered {} in {}{}: truncated {} bytes of torn or corrupt batches at the end of {}{}; the log "
                    + "now ends at offset {}", tp, dir.getParent(), options.uncleanShutdown()
                    ? " after an unclean shutdown" : "", truncated, truncatedIn, deletedSegments == 0 ? ""
                    : " and deleted the " + deletedSegments + " later segments (" + deletedBytes + " bytes)", end);
        }
        long start = segments.firstBaseOffset();
        if (options.checkpointedStartOffset() > start) {
            start = Math.min(options.checkpointedStartOffset(), end);
        }
        if (storedEpochs.isEmpty()) {
            epochs.clear(); // the recovery walk saw only the tail; rebuild from every batch
            long logStart = start;
            forEachBatch(segments, -1, (header, position) -> restoreEpoch(epochs, header, logStart));
            if (epochs.entries().isEmpty()) {
                epochFile.write(List.of()); // so the next load trusts the (empty) history instead of walking again
            }
        }
        epochs.truncateFromEnd(end);
        epochs.truncateFromStart(start);
        ProducerSnapshotFile.deleteAbove(dir, end);
        long highWatermark = Math.max(start, Math.min(options.checkpointedHighWatermark(), end));
        // everything loaded was read back from disk (recovered or trusted): the recovery point is the end
        DiskPartitionLog loadedLog = new DiskPartitionLog(tp, topicId, dir, segments, producers, epochs, config,
                new DiskPartitionLog.Offsets(start, end, highWatermark), services);
        loadedLog.transactionsCompletedInReplay(completed.stream().filter(java.util.Objects::nonNull)
                .filter(t -> t.lastOffset() < end).toList());
        return loadedLog;
    }

    /**
     * A batch walked while loading starts a new epoch only when its epoch is above the latest known
     * (as Kafka's recovery does): re-reading batches of known epochs must not move their starts.
     * Batches wholly below the log start offset (still in a segment after DeleteRecords) are not
     * part of the log and add nothing.
     */
    private static void restoreEpoch(LeaderEpochCache epochs, ByteBuffer header, long logStartOffset) {
        int epoch = BatchHeader.partitionLeaderEpoch(header, 0);
        if (epoch > epochs.latestEpoch() && BatchHeader.lastOffset(header, 0) >= logStartOffset) {
            epochs.assign(epoch, BatchHeader.baseOffset(header, 0));
        }
    }

    /** The stored leader-epoch history; empty (rebuild from the batches) when missing or corrupt. */
    private static Optional<List<EpochEntry>> readEpochs(LeaderEpochCheckpointFile file, TopicPartition tp) {
        try {
            return file.read();
        } catch (IOException e) {
            log.warn("Rebuilding the leader epochs of {} from its batches: {}", tp, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Walks the header of every batch starting at or after {@code fromOffset}, oldest first, reading
     * no segment that ends before it (rebuilds after truncation; -1 for every batch).
     */
    static void forEachBatch(Segments segments, long fromOffset, LogSegment.BatchVisitor visitor) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        for (LogSegment segment : segments.all()) {
            LogSegment next = segments.next(segment);
            if (next != null && next.baseOffset() <= fromOffset) {
                continue;
            }
            forEachBatch(segment, segments.end().readableBytesOf(segment), header, (batch, position) -> {
                if (BatchHeader.baseOffset(batch, 0) >= fromOffset) {
                    visitor.visit(batch, position);
                }
            });
        }
    }

    /** Walks the headers of a segment's batches in its first {@code readable} bytes, into {@code header}. */
    private static void forEachBatch(LogSegment segment, int readable, ByteBuffer header,
                                     LogSegment.BatchVisitor visitor) throws IOException {
        for (int pos = 0; pos + BatchHeader.SIZE <= readable; pos += BatchHeader.totalSize(header, 0)) {
            segment.readHeader(header, pos);
            visitor.visit(header, pos);
        }
    }

    /** The base offset of the segment holding {@code offset} (the first segment when none does). */
    private static long floor(List<Long> bases, long offset) {
        long found = bases.get(0);
        for (long base : bases) {
            if (base <= offset) {
                found = base;
            }
        }
        return found;
    }

    /** Segment base offsets in order, after removing leftover files and index files without a log. */
    private static List<Long> listAndClean(Path dir, TopicPartition tp) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.toList();
        }
        List<Long> bases = new ArrayList<>();
        List<Long> indexBases = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (LEFTOVER_SUFFIXES.stream().anyMatch(name::endsWith)) {
                log.info("Removing leftover file {} of {}", file, tp);
                Files.deleteIfExists(file);
                continue;
            }
            Long base = baseOffsetOf(name, LogSegment.LOG_SUFFIX);
            if (base != null) {
                bases.add(base);
            }
            Long indexBase = baseOffsetOf(name, LogSegment.INDEX_SUFFIX);
            indexBase = indexBase != null ? indexBase : baseOffsetOf(name, LogSegment.TIME_INDEX_SUFFIX);
            indexBase = indexBase != null ? indexBase : baseOffsetOf(name, LogSegment.TXN_INDEX_SUFFIX);
            if (indexBase != null) {
                indexBases.add(indexBase);
            }
        }
        for (long orphan : indexBases) {
            if (!bases.contains(orphan)) {
                deleteSegmentFiles(dir, orphan);
            }
        }
        bases.sort(null);
        return bases;
    }

    private static Long baseOffsetOf(String name, String suffix) {
        if (name.length() != 20 + suffix.length() || !name.endsWith(suffix)
                || !name.substring(0, 20).chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Long.parseLong(name.substring(0, 20));
    }

    private static void deleteSegmentFiles(Path dir, long base) throws IOException {
        for (String suffix : List.of(LogSegment.LOG_SUFFIX, LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX,
                LogSegment.TXN_INDEX_SUFFIX)) {
            Files.deleteIfExists(dir.resolve(LogSegment.fileName(base, suffix)));
        }
    }

    /** A rolled segment below the recovery point: its indexes are kept unless they disagree with the log. */
    private static LogSegment openRolled(Path dir, TopicPartition tp, long base, LogConfig config, long now)
            throws IOException {
        LogSegment segment = LogSegment.open(dir, base, config.segmentIndexBytes(), config.indexIntervalBytes(), false,
                now);
        long cut = segment.recover(false, false, null);
        if (cut > 0) {
            log.warn("Truncated {} bytes of a torn batch at the end of {} in partition {}", cut,
                    segment.logFile().getFileName(), tp);
        }
        if (segment.txnIndex().cutOnOpen() > 0) {
            log.warn("Cut {} bytes of a torn entry at the end of the aborted-transaction index {} of {}; read_committed "
                    + "consumers may see aborted records of the transaction it described", segment.txnIndex().cutOnOpen(),
                    segment.txnIndex().file().getFileName(), tp);
        }
        if (segment.indexesAgreeWithLog()) {
            return segment;
        }
        log.info("Rebuilding the offset and time indexes of {} in {}", segment.logFile().getFileName(), tp);
        segment.closeWhenUnused();
        segment = LogSegment.open(dir, base, config.segmentIndexBytes(), config.indexIntervalBytes(), true, now);
        long truncated = segment.recover(true, false, null);
        if (truncated > 0) {
            log.warn("Truncated {} bytes of a torn batch at the end of {} in partition {}", truncated,
                    segment.logFile().getFileName(), tp);
        }
        segment.onRoll();
        return segment;
    }

    /** Restores producer state from a trusted rolled segment's batches at or after {@code from} (a snapshot's offset). */
    private static void restoreProducersFrom(LogSegment segment, ProducerStateTable producers, long from,
                                             List<CompletedTxn> completed) throws IOException {
        forEachBatch(segment, segment.size(), ByteBuffer.allocate(BatchHeader.SIZE), (header, position) -> {
            if (BatchHeader.baseOffset(header, 0) >= from) {
                completed.add(ProducerStateReplay.replay(producers, header, segment, position, false)); // index whole
            }
        });
    }
}
