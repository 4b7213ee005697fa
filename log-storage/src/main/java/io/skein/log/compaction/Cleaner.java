package io.skein.log.compaction;

import io.skein.log.api.LogConfig;
import io.skein.log.segment.BatchHeader;
import io.skein.log.segment.LogSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The cleaning algorithm for one log and one {@link CleaningPlan}:
 * <ol>
 * <li>pass 1 reads every record of the dirty section and records key hash → latest offset in
 *     an {@link OffsetMap} (files in the log dir, sized for the section's offset range, built in
 *     partitions of bounded memory), and each producer id's last batch;</li>
 * <li>pass 2 rewrites the cleanable segments in groups (consecutive segments whose sizes add up
 *     to at most {@code segment.bytes} and whose offsets fit one index) through the
 *     {@link RetentionFilter}, each group into one {@link CleanedSegmentWriter}, and swaps each
 *     group in as soon as it is written ({@link SegmentSwap}).</li>
 * </ol>
 * Offsets never change; gaps are left where records were dropped. The segments are read through
 * their reference counts; a segment that closes meanwhile aborts the cleaning.
 *
 * <p>Threading: owned by one cleaner thread; reuses its buffers across cleanings.
 */
final class Cleaner {

    /** Raised when the log changed under the cleaner (closed, truncated, segments deleted): not an error. */
    static final class LogChangedException extends IOException {
        LogChangedException(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private static final int MAX_DECOMPRESSED_BATCH = Integer.MAX_VALUE - 8;

    private final Path mapDir;
    private final String mapPrefix;
    private final long mapMemoryBytes;
    private final BatchChunks chunks;
    private final IoThrottler throttler;
    private final KeyHasher hasher = new KeyHasher();
    private final BufferSupplier decompression = BufferSupplier.create();
    private ByteBuffer output;

    /**
     * @param mapDir where this thread's offset map files live while a cleaning runs
     * @param mapPrefix their name prefix
     * @param mapMemoryBytes memory one partition of the offset map is built in (not a limit on keys)
     * @param bufferBytes read and write buffer size (grows for larger batches)
     * @param stopping checked between chunks: true aborts the cleaning (the cleaner is closing)
     */
    Cleaner(Path mapDir, String mapPrefix, long mapMemoryBytes, int bufferBytes, IoThrottler throttler,
            java.util.function.BooleanSupplier stopping) {
        this.mapDir = mapDir;
        this.mapPrefix = mapPrefix;
        this.mapMemoryBytes = mapMemoryBytes;
        this.throttler = throttler;
        this.chunks = new BatchChunks(bufferBytes, throttler, stopping);
        this.output = ByteBuffer.allocate(bufferBytes);
    }

    CleanerStats clean(CleanableLog log, CleaningPlan plan, long nowMs) throws IOException {
        long started = System.nanoTime();
        List<LogSegment> retained = new ArrayList<>();
        try {
            for (LogSegment s : plan.segments()) {
                if (!s.retain()) {
                    throw new LogChangedException("segment " + s.logFile().getFileName() + " was deleted");
                }
                retained.add(s);
            }
            Map<Long, Long> lastBatchOfProducer = new HashMap<>();
            try (OffsetMap map = OffsetMap.create(mapDir, mapPrefix, plan.maxDirtyKeys(), mapMemoryBytes)) {
                buildMap(log, plan, map, lastBatchOfProducer);
                map.seal();
                long mapNanos = System.nanoTime() - started;
                return rewrite(log, plan, map, lastBatchOfProducer, nowMs, started, mapNanos);
            }
        } finally {
            retained.forEach(LogSegment::release);
        }
    }

    /** Pass 1: keys of the dirty section; producers' last batches over the whole cleanable section. */
    private void buildMap(CleanableLog log, CleaningPlan plan, OffsetMap map, Map<Long, Long> lastBatchOfProducer)
            throws IOException {
        List<LogSegment> segments = plan.segments();
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        for (int i = 0; i < plan.firstDirtyIndex(); i++) {
            LogSegment s = segments.get(i);
            for (int pos = 0; pos + BatchHeader.SIZE <= s.size(); pos += BatchHeader.totalSize(header, 0)) {
                s.readHeader(header, pos);
                long producerId = header.getLong(BatchHeader.PRODUCER_ID);
                if (producerId >= 0) {
                    lastBatchOfProducer.put(producerId, BatchHeader.baseOffset(header, 0));
                }
            }
        }
        List<LogSegment> dirty = plan.dirtySegments();
        CleanedTransactions transactions = dirty.isEmpty() ? null
                : CleanedTransactions.of(log.segments(), dirty.get(0).baseOffset(), plan.endOffset());
        for (LogSegment s : dirty) {
            chunks.forEachChunk(s, chunk -> {
                for (MutableRecordBatch batch : chunk.batches()) {
                    if (batch.hasProducerId()) {
                        lastBatchOfProducer.put(batch.producerId(), batch.baseOffset());
                    }
                    if (batch.isControlBatch()) {
                        transactions.onControlBatch(batch);
                        continue;
                    }
                    if (transactions.onDataBatch(batch)) {
                        continue; // aborted: its keys must not hide the committed values before them
                    }
                    try (CloseableIterator<Record> records = batch.streamingIterator(decompression,
                            MAX_DECOMPRESSED_BATCH)) {
                        while (records.hasNext()) {
                            Record r = records.next();
                            if (r.hasKey()) {
                                hasher.hash(r.key());
                                map.put(hasher.high(), hasher.low(), r.offset());
                            }
                        }
                    }
                }
            });
        }
    }

    /** Pass 2: rewrite group by group, swapping each in. */
    private CleanerStats rewrite(CleanableLog log, CleaningPlan plan, OffsetMap map,
                                 Map<Long, Long> lastBatchOfProducer, long nowMs, long started, long mapNanos)
            throws IOException {
        LogConfig config = log.config();
        CleanedTransactions transactions = CleanedTransactions.of(log.segments(), plan.segments().get(0).baseOffset(),
                plan.endOffset());
        RetentionFilter filter = new RetentionFilter(nowMs, config.compaction().deleteRetentionMs(), map, hasher,
                lastBatchOfProducer, transactions);
        long[] counts = new long[3]; // records read, records retained, bytes written
        long bytesRead = 0;
        int groups = 0;
        for (List<LogSegment> group : groups(plan.segments(), plan.endOffset(), config.segmentBytes())) {
            long base = group.get(0).baseOffset();
            filter.groupLastOffset(group.get(group.size() - 1).lastOffset());
            try (CleanedSegmentWriter writer = new CleanedSegmentWriter(log.dir(), base, config.segmentIndexBytes(),
                    config.indexIntervalBytes())) {
                for (LogSegment s : group) {
                    filter.segmentMaxTimestamp(s.largestTimestamp());
                    bytesRead += chunks.forEachChunk(s, chunk -> {
                        output.clear();
                        MemoryRecords.FilterResult result = chunk.filterTo(filter, output, decompression,
                                MAX_DECOMPRESSED_BATCH);
                        output = result.outputBuffer();
                        counts[0] += result.messagesRead();
                        counts[1] += result.messagesRetained();
                        output.flip();
                        throttler.acquire(output.remaining());
                        writer.append(output);
                    });
                }
                for (io.skein.log.index.AbortedTxn kept : transactions.drainRetainedAborts()) {
                    writer.appendAborted(kept);
                }
                writer.finish();
                counts[2] += writer.size();
                if (SegmentSwap.swapIn(log, group, base, nowMs) == null) {
                    throw new LogChangedException("the log changed during the swap");
                }
                groups++;
            }
        }
        return new CleanerStats(bytesRead, plan.dirtyBytes(), counts[2], counts[0], counts[1], map.size(),
                plan.segments().size(), groups, mapNanos, System.nanoTime() - started);
    }

    /**
     * Consecutive segments whose sizes add up to at most {@code segmentBytes} and whose offsets
     * stay within {@code Integer.MAX_VALUE} of the group's base (the index's relative offsets).
     */
    static List<List<LogSegment>> groups(List<LogSegment> segments, long endOffset, int segmentBytes) {
        List<List<LogSegment>> groups = new ArrayList<>();
        int i = 0;
        while (i < segments.size()) {
            List<LogSegment> group = new ArrayList<>();
            LogSegment first = segments.get(i);
            long bytes = 0;
            while (i < segments.size()) {
                LogSegment s = segments.get(i);
                long next = i + 1 < segments.size() ? segments.get(i + 1).baseOffset() : endOffset;
                boolean fits = group.isEmpty() || (bytes + s.size() <= segmentBytes
                        && next - 1 - first.baseOffset() <= Integer.MAX_VALUE);
                if (!fits) {
                    break;
                }
                group.add(s);
                bytes += s.size();
                i++;
            }
            groups.add(group);
        }
        return groups;
    }
}
