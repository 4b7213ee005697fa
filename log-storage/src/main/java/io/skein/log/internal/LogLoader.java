package io.skein.log.internal;

import io.skein.log.api.LogConfig;
import io.skein.log.producer.BatchMetadata;
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
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory: segments in base-offset order; the indexes of rolled segments are
 * trusted after a sanity check (rebuilt when lost); the active (last) segment's index is rebuilt
 * by walking its batch headers, which also establishes the log end offset and truncates a torn
 * tail batch (one WARN line); producer state is restored from the active segment's batch headers.
 *
 * <p>This is the seam for crash recovery: a later version reads the recovery-point checkpoint and
 * the clean-shutdown marker, CRC-checks the batches after the recovery point, loads
 * producer-state snapshots (then {@link #restoreProducerState} replays only batches after the
 * snapshot) and rebuilds time indexes.
 *
 * <p>Stateless; the registry calls it on the thread that opens or creates the log.
 */
final class LogLoader {

    private static final Logger log = LoggerFactory.getLogger(LogLoader.class);

    private LogLoader() {
    }

    static DiskPartitionLog load(Path dir, TopicPartition tp, Uuid topicId, LogConfig config) throws IOException {
        return load(dir, tp, topicId, config, false);
    }

    /**
     * @param afterUncleanShutdown CRC-check every batch of the active segment (segments before it
     *     were forced to disk when they rolled, so they are the recovery point)
     */
    static DiskPartitionLog load(Path dir, TopicPartition tp, Uuid topicId, LogConfig config,
                                 boolean afterUncleanShutdown) throws IOException {
        List<Long> bases = segmentBaseOffsets(dir);
        if (bases.isEmpty()) {
            bases.add(0L);
        }
        List<LogSegment> loaded = new ArrayList<>(bases.size());
        for (int i = 0; i < bases.size() - 1; i++) {
            LogSegment rolled = openRolled(dir, tp, bases.get(i), config);
            if (rolled.size() == 0) {
                rolled.closeWhenUnused();
                rolled.deleteFiles();
            } else {
                loaded.add(rolled);
            }
        }
        long activeBase = bases.get(bases.size() - 1);
        LogSegment active = LogSegment.open(dir, activeBase, config.segmentIndexBytes(), config.indexIntervalBytes(),
                true);
        ProducerStateTable producers = new ProducerStateTable();
        long truncated = active.recover(true, afterUncleanShutdown,
                (header, position) -> restoreProducerState(producers, header));
        if (afterUncleanShutdown && truncated > 0) {
            log.warn("Recovered {} after an unclean shutdown: truncated {} bytes of torn or corrupt batches at the end "
                    + "of {}; the log now ends at offset {}", tp, truncated, active.logFile().getFileName(),
                    active.lastOffset() + 1);
        } else {
            warnIfTruncated(tp, active, truncated);
        }
        loaded.add(active);
        return new DiskPartitionLog(tp, topicId, dir, new Segments(loaded), producers, config);
    }

    private static List<Long> segmentBaseOffsets(Path dir) throws IOException {
        List<Long> bases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.length() == 24 && n.endsWith(".log") && n.substring(0, 20).chars().allMatch(Character::isDigit))
                    .forEach(n -> bases.add(Long.parseLong(n.substring(0, 20))));
        }
        bases.sort(null);
        return bases;
    }

    private static LogSegment openRolled(Path dir, TopicPartition tp, long base, LogConfig config) throws IOException {
        LogSegment segment = LogSegment.open(dir, base, config.segmentIndexBytes(), config.indexIntervalBytes(), false);
        if (segment.indexEntries() > 0 || segment.size() == 0) {
            warnIfTruncated(tp, segment, segment.recover(false, null));
            return segment;
        }
        log.info("Rebuilding the lost offset index of {} in {}", segment.logFile().getFileName(), tp);
        segment.closeWhenUnused();
        segment = LogSegment.open(dir, base, config.segmentIndexBytes(), config.indexIntervalBytes(), true);
        warnIfTruncated(tp, segment, segment.recover(true, null));
        segment.onRoll();
        return segment;
    }

    private static void warnIfTruncated(TopicPartition tp, LogSegment segment, long truncated) {
        if (truncated > 0) {
            log.warn("Truncated {} bytes of a torn batch at the end of {} in partition {}", truncated,
                    segment.logFile().getFileName(), tp);
        }
    }

    /** Replays one batch header into the producer state (idempotent and transactional batches only). */
    static void restoreProducerState(ProducerStateTable producers, ByteBuffer header) {
        long producerId = header.getLong(BatchHeader.PRODUCER_ID);
        if (producerId < 0) {
            return;
        }
        long firstOffset = BatchHeader.baseOffset(header, 0);
        int delta = header.getInt(BatchHeader.LAST_OFFSET_DELTA);
        int baseSeq = header.getInt(BatchHeader.BASE_SEQUENCE);
        producers.update(producerId, header.getShort(BatchHeader.PRODUCER_EPOCH), new BatchMetadata(baseSeq,
                ProducerStateTable.lastSequence(baseSeq, delta), firstOffset, firstOffset + delta,
                BatchHeader.maxTimestamp(header, 0)));
    }
}
