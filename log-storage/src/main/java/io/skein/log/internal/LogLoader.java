package io.skein.log.internal;

import io.skein.log.api.LogConfig;
import io.skein.log.producer.ProducerStateTable;
import io.skein.log.segment.BatchHeader;
import io.skein.log.segment.LogSegment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory: its segments in base-offset order, indexes rebuilt by walking
 * batch headers, a torn tail batch truncated (one WARN line), and producer state restored from
 * the batches seen.
 *
 * <p>This is the seam for crash recovery: a later version trusts segments below a recovery-point
 * checkpoint after a clean shutdown and CRC-checks the rest.
 */
final class LogLoader {

    private static final Logger log = LoggerFactory.getLogger(LogLoader.class);

    private LogLoader() {
    }

    static DiskPartitionLog load(Path dir, TopicPartition tp, Uuid topicId, LogConfig config) throws IOException {
        List<Long> bases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".log") && n.length() == 24)
                    .forEach(n -> bases.add(Long.parseLong(n.substring(0, 20))));
        }
        bases.sort(null);
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        ProducerStateTable producers = new ProducerStateTable();
        if (bases.isEmpty()) {
            bases.add(0L);
        }
        for (long base : bases) {
            LogSegment segment = LogSegment.open(dir, base, config.segmentIndexBytes(), config.indexIntervalBytes(),
                    false);
            int truncated = segment.recover(true, (header, position) -> {
                long producerId = header.getLong(BatchHeader.PRODUCER_ID);
                if (producerId >= 0) {
                    long firstOffset = header.getLong(BatchHeader.BASE_OFFSET);
                    int baseSeq = header.getInt(BatchHeader.BASE_SEQUENCE);
                    int delta = header.getInt(BatchHeader.LAST_OFFSET_DELTA);
                    int lastSeq = baseSeq < 0 ? -1 : (int) ((baseSeq + (long) delta) % (1L + Integer.MAX_VALUE));
                    producers.update(producerId, header.getShort(BatchHeader.PRODUCER_EPOCH), baseSeq, lastSeq,
                            firstOffset, firstOffset + delta);
                }
            });
            if (truncated > 0) {
                log.warn("Truncated {} bytes of a torn batch at the end of {} in {}", truncated,
                        segment.logFile().getFileName(), tp);
            }
            if (segment.size() == 0 && base != bases.get(bases.size() - 1)) {
                segment.closeWhenUnused();
                segment.deleteFiles();
                continue;
            }
            segments.put(base, segment);
        }
        if (segments.isEmpty()) {
            segments.put(0L, LogSegment.open(dir, 0L, config.segmentIndexBytes(), config.indexIntervalBytes(), false));
        }
        for (LogSegment s : segments.headMap(segments.lastKey()).values()) {
            s.onRoll();
        }
        return new DiskPartitionLog(tp, topicId, dir, segments, producers, config);
    }
}
