package io.skein.log.internal;

import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.LogSlice;
import io.skein.log.api.OffsetOutOfRangeException;
import io.skein.log.api.PartitionLog;
import io.skein.log.api.TimestampAndOffset;
import io.skein.log.append.BatchValidator;
import io.skein.log.producer.ProducerStateTable;
import io.skein.log.segment.BatchHeader;
import io.skein.log.segment.LogSegment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition log in one directory: segments keyed by base offset, the newest one active.
 *
 * <p>Threading: appends, rolls and flushes run under {@code appendLock} (one writer at a time).
 * Readers never take it: they read the segment map (concurrent) and the volatile {@code end}
 * (end offset, active segment and its published size), which the writer replaces only after the
 * bytes are in the file. {@code config} is volatile so live config changes are seen by the next
 * append.
 */
final class DiskPartitionLog implements PartitionLog {

    private static final Logger log = LoggerFactory.getLogger(DiskPartitionLog.class);

    /** The published end of the log: readers see batches below {@code offset} only. */
    private record End(long offset, LogSegment segment, int position) {
    }

    private final TopicPartition tp;
    private final Uuid topicId;
    private final Path dir;
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private final Object appendLock = new Object();
    private final ProducerStateTable producers;
    private volatile LogConfig config;
    private volatile End end;
    private volatile long logStartOffset;
    private volatile boolean closed;

    DiskPartitionLog(TopicPartition tp, Uuid topicId, Path dir, ConcurrentSkipListMap<Long, LogSegment> segments,
                     ProducerStateTable producers, LogConfig config) {
        this.tp = tp;
        this.topicId = topicId;
        this.dir = dir;
        this.segments = segments;
        this.producers = producers;
        this.config = config;
        LogSegment active = segments.lastEntry().getValue();
        this.end = new End(active.lastOffset() + 1, active, active.size());
        this.logStartOffset = segments.firstKey();
    }

    @Override
    public TopicPartition topicPartition() {
        return tp;
    }

    @Override
    public Uuid topicId() {
        return topicId;
    }

    Path dir() {
        return dir;
    }

    @Override
    public AppendResult append(MemoryRecords records, AppendContext context) {
        synchronized (appendLock) {
            if (closed) {
                return AppendResult.failure(Errors.NOT_LEADER_OR_FOLLOWER, "The log of " + tp + " is closed", logStartOffset);
            }
            LogConfig cfg = config;
            ByteBuffer buffer = records.buffer();
            int start = buffer.position();
            int batchCount = 0;
            for (MutableRecordBatch ignored : records.batches()) {
                batchCount++;
            }
            if (batchCount == 0) {
                return AppendResult.failure(Errors.CORRUPT_MESSAGE, "No complete record batch in the request for " + tp,
                        logStartOffset);
            }
            ProducerStateTable checkTable = batchCount > 1 ? producers.copy() : producers;
            int[] starts = new int[batchCount];
            long[] bases = new long[batchCount];
            long next = end.offset();
            long first = next;
            long maxTs = -1;
            long offsetOfMaxTs = -1;
            int pos = start;
            int i = 0;
            boolean logAppendTime = cfg.timestampType() == TimestampType.LOG_APPEND_TIME;
            for (MutableRecordBatch batch : records.batches()) {
                int delta = buffer.getInt(pos + BatchHeader.LAST_OFFSET_DELTA);
                AppendResult invalid = BatchValidator.validate(tp, batch, buffer, pos, cfg, context.nowMs(), logStartOffset);
                if (invalid != null) {
                    return invalid;
                }
                if (batch.hasProducerId()) {
                    ProducerStateTable.Check check = checkTable.check(batch.producerId(), batch.producerEpoch(),
                            batch.baseSequence(), batch.lastSequence());
                    if (check.error() != Errors.NONE) {
                        return AppendResult.failure(check.error(), check.message(), logStartOffset);
                    }
                    if (check.isDuplicate()) {
                        if (batchCount == 1) {
                            return AppendResult.success(check.duplicateOf().firstOffset(),
                                    check.duplicateOf().lastOffset(), -1, logStartOffset);
                        }
                        return AppendResult.failure(Errors.DUPLICATE_SEQUENCE_NUMBER,
                                "Duplicate batch inside a multi-batch request", logStartOffset);
                    }
                    if (batchCount > 1) {
                        checkTable.update(batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
                                batch.lastSequence(), next, next + delta);
                    }
                }
                starts[i] = pos - start;
                bases[i] = next;
                batch.setLastOffset(next + delta);
                batch.setPartitionLeaderEpoch(context.leaderEpoch());
                if (logAppendTime) {
                    batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, context.nowMs());
                }
                long batchMaxTs = logAppendTime ? context.nowMs() : batch.maxTimestamp();
                if (batchMaxTs > maxTs) {
                    maxTs = batchMaxTs;
                    offsetOfMaxTs = next + delta;
                }
                next += delta + 1;
                pos += batch.sizeInBytes();
                i++;
            }
            ByteBuffer toWrite = buffer.duplicate();
            toWrite.position(start).limit(pos);
            try {
                LogSegment segment = segmentFor(toWrite.remaining(), first, next - 1);
                segment.append(toWrite, first, next - 1, maxTs, offsetOfMaxTs, starts, bases, batchCount);
                i = 0;
                for (MutableRecordBatch batch : records.batches()) {
                    if (batch.hasProducerId()) {
                        producers.update(batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
                                batch.lastSequence(), bases[i], bases[i] + (batch.lastOffset() - batch.baseOffset()));
                    }
                    i++;
                }
                end = new End(next, segment, segment.size());
                maybeFlush(segment);
            } catch (IOException e) {
                log.error("Append to {} in {} failed: {}", tp, dir, e.toString());
                return AppendResult.failure(Errors.KAFKA_STORAGE_ERROR, "Disk error while appending to " + tp,
                        logStartOffset);
            }
            return AppendResult.success(first, next - 1, logAppendTime ? context.nowMs() : -1, logStartOffset);
        }
    }

    private long messagesSinceFlush;

    private void maybeFlush(LogSegment segment) throws IOException {
        long flushMessages = config.flushMessages();
        if (flushMessages == Long.MAX_VALUE) {
            return;
        }
        if (++messagesSinceFlush >= flushMessages) {
            segment.flush();
            messagesSinceFlush = 0;
        }
    }

    /** The segment to append to, rolling first when the batch would not fit. Caller holds appendLock. */
    private LogSegment segmentFor(int bytes, long firstOffset, long lastOffset) throws IOException {
        LogSegment active = end.segment();
        boolean full = active.size() > 0 && (long) active.size() + bytes > config.segmentBytes();
        boolean offsetOverflow = lastOffset - active.baseOffset() > Integer.MAX_VALUE;
        if (full || offsetOverflow || active.indexFull()) {
            active.onRoll();
            LogSegment next = LogSegment.open(dir, firstOffset, config.segmentIndexBytes(), config.indexIntervalBytes(),
                    false);
            segments.put(firstOffset, next);
            end = new End(end.offset(), next, 0);
            log.debug("Rolled {} to a new segment at offset {}", tp, firstOffset);
            return next;
        }
        return active;
    }

    @Override
    public LogReadResult read(long fetchOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) {
        End e = end;
        long hw = e.offset();
        long start = logStartOffset;
        if (fetchOffset < start || fetchOffset > e.offset()) {
            throw new OffsetOutOfRangeException("Offset " + fetchOffset + " is out of range for " + tp
                    + ": log start offset " + start + ", log end offset " + e.offset());
        }
        long limitOffset = Math.min(maxOffsetExclusive, e.offset());
        if (fetchOffset >= limitOffset) {
            return new LogReadResult(LogSlice.EMPTY, hw, start, e.offset());
        }
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(fetchOffset);
        try {
            while (entry != null) {
                LogSegment segment = entry.getValue();
                int maxPosition = segment == e.segment() ? e.position() : segment.size();
                int pos = segment.positionOf(fetchOffset, maxPosition, header);
                if (pos >= 0) {
                    int available = maxPosition - pos;
                    int length = Math.min(available, Math.max(maxBytes, 0));
                    if (minOneBatch) {
                        length = Math.max(length, Math.min(available, segment.batchSizeAt(pos, header)));
                    }
                    if (length <= 0 || !segment.retain()) {
                        return new LogReadResult(LogSlice.EMPTY, hw, start, e.offset());
                    }
                    return new LogReadResult(new SegmentSlice(segment, pos, length), hw, start, e.offset());
                }
                entry = segments.higherEntry(entry.getKey());
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("Read of " + tp + " at offset " + fetchOffset + " failed", ex);
        }
        return new LogReadResult(LogSlice.EMPTY, hw, start, e.offset());
    }

    /** A retained run of bytes in one segment. */
    private static final class SegmentSlice implements LogSlice {
        private final LogSegment segment;
        private final long position;
        private final int size;
        private boolean released;

        SegmentSlice(LogSegment segment, long position, int size) {
            this.segment = segment;
            this.position = position;
            this.size = size;
        }

        @Override
        public FileChannel channel() {
            return segment.channel();
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public int sizeInBytes() {
            return size;
        }

        @Override
        public synchronized void release() {
            if (!released) {
                released = true;
                segment.release();
            }
        }
    }

    @Override
    public long logStartOffset() {
        return logStartOffset;
    }

    @Override
    public long logEndOffset() {
        return end.offset();
    }

    @Override
    public long highWatermark() {
        return end.offset();
    }

    @Override
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        End e = end;
        for (LogSegment segment : segments.values()) {
            if (segment.maxTimestamp() < timestamp) {
                continue;
            }
            Optional<TimestampAndOffset> found = scanForTimestamp(segment, timestamp,
                    segment == e.segment() ? e.position() : segment.size());
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private Optional<TimestampAndOffset> scanForTimestamp(LogSegment segment, long timestamp, int maxPosition) {
        if (!segment.retain()) {
            return Optional.empty();
        }
        try {
            ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
            int pos = 0;
            while (pos + BatchHeader.SIZE <= maxPosition) {
                header.clear();
                segment.readFully(header, pos);
                int size = BatchHeader.totalSize(header, 0);
                if (header.getLong(BatchHeader.MAX_TIMESTAMP) >= timestamp) {
                    ByteBuffer batchBytes = ByteBuffer.allocate(size);
                    segment.readFully(batchBytes, pos);
                    for (RecordBatch batch : MemoryRecords.readableRecords(batchBytes).batches()) {
                        boolean appendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
                        try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                            while (it.hasNext()) {
                                Record r = it.next();
                                long ts = appendTime ? batch.maxTimestamp() : r.timestamp();
                                if (ts >= timestamp) {
                                    return Optional.of(new TimestampAndOffset(ts, r.offset(),
                                            batch.partitionLeaderEpoch()));
                                }
                            }
                        }
                    }
                }
                pos += size;
            }
            return Optional.empty();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } finally {
            segment.release();
        }
    }

    @Override
    public Optional<TimestampAndOffset> maxTimestamp() {
        long best = -1;
        long offset = -1;
        for (LogSegment segment : segments.values()) {
            if (segment.maxTimestamp() > best) {
                best = segment.maxTimestamp();
                offset = segment.offsetOfMaxTimestamp();
            }
        }
        if (offset < 0) {
            return Optional.empty();
        }
        return Optional.of(new TimestampAndOffset(best, offset, leaderEpochOf(offset)));
    }

    private int leaderEpochOf(long offset) {
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        if (entry == null || !entry.getValue().retain()) {
            return -1;
        }
        LogSegment segment = entry.getValue();
        try {
            ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
            int pos = segment.positionOf(offset, segment.size(), header);
            if (pos < 0) {
                return -1;
            }
            header.clear();
            segment.readFully(header, pos);
            return header.getInt(12);
        } catch (IOException ex) {
            return -1;
        } finally {
            segment.release();
        }
    }

    @Override
    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    @Override
    public LogConfig config() {
        return config;
    }

    @Override
    public void flush() {
        synchronized (appendLock) {
            try {
                end.segment().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (appendLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                end.segment().flush();
            } catch (IOException e) {
                log.warn("Flush of {} on close failed: {}", tp, e.toString());
            }
            for (LogSegment segment : segments.values()) {
                segment.closeWhenUnused();
            }
        }
    }
}
