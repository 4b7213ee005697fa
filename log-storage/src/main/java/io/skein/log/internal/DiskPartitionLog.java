package io.skein.log.internal;

import io.skein.log.api.AbortedTransaction;
import io.skein.log.api.ActiveProducer;
import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.EpochEndOffset;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.OffsetOutOfRangeException;
import io.skein.log.api.PartitionLog;
import io.skein.log.api.TimestampAndOffset;
import io.skein.log.compaction.CleanableLog;
import io.skein.log.epoch.EpochEntry;
import io.skein.log.epoch.LeaderEpochCache;
import io.skein.log.producer.CompletedTxn;
import io.skein.log.producer.ProducerStateTable;
import io.skein.log.read.LogReader;
import io.skein.log.read.TimestampSearch;
import io.skein.log.segment.LogSegment;
import io.skein.log.segment.Segments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition log in one directory ({@code <log.dir>/<topic>-<partition>/}): its {@link Segments},
 * the writer's {@link LogAppender}, and the read side ({@link LogReader}, {@link TimestampSearch}).
 *
 * <p>Threading: appends, flushes and close run under {@code appendLock}, so there is one writer
 * at a time. Readers never take it: they sample the segments' volatile published end and read
 * up to it. {@code config} is volatile so a live change is seen by the next append and read;
 * {@code logStartOffset} is volatile for readers (retention and DeleteRecords move it, under the
 * lock); {@code recoveryPoint} is volatile for the checkpoint writer (moved under the lock by
 * flushes and rolls); {@code closed} and {@code lastFlushMs} are used under the lock only.
 * Retention runs under the lock on the maintenance thread (it may roll the active segment).
 * Replication state: {@code leaderEpoch} (stamped into leader appends) is volatile for readers
 * and written under the lock, as is the {@link HighWatermark}; the leader-epoch history publishes
 * its own immutable snapshots. Follower appends and truncation run under the same lock as appends.
 */
final class DiskPartitionLog implements PartitionLog {

    private static final Logger log = LoggerFactory.getLogger(DiskPartitionLog.class);

    private final TopicPartition tp;
    private final Uuid topicId;
    private final Path dir;
    private final Segments segments;
    private final ProducerStateTable producers;
    private final LogAppender appender;
    private final LogRetention retention;
    private final LogServices services;
    private final LeaderEpochCache epochs;
    private final LogTruncation truncation;
    private final LogTransactions txns;
    private final TransactionMarkerAppender markers;
    private final Object appendLock = new Object();
    private volatile LogConfig config;
    private volatile long logStartOffset;
    private volatile long recoveryPoint;
    private final HighWatermark highWatermark;
    private volatile int leaderEpoch;
    private long lastFlushMs;
    private boolean closed;

    /** The offsets a log is loaded with: its start, its recovery point and its high watermark. */
    record Offsets(long logStartOffset, long recoveryPoint, long highWatermark) {
    }

    DiskPartitionLog(TopicPartition tp, Uuid topicId, Path dir, Segments segments, ProducerStateTable producers,
                     LeaderEpochCache epochs, LogConfig config, Offsets offsets, LogServices services) {
        this.tp = tp;
        this.topicId = topicId;
        this.dir = dir;
        this.segments = segments;
        this.producers = producers;
        this.epochs = epochs;
        this.config = config;
        this.logStartOffset = offsets.logStartOffset();
        this.recoveryPoint = offsets.recoveryPoint();
        this.services = services;
        this.txns = new LogTransactions(producers, segments);
        this.appender = new LogAppender(tp, dir, segments, producers, epochs, txns, this::flushRolledInBackground);
        this.appender.flushed(recoveryPoint);
        this.markers = new TransactionMarkerAppender(tp, producers, appender);
        this.truncation = new LogTruncation(tp, dir, segments, producers, epochs, services.deleter());
        this.retention = new LogRetention(tp, segments, appender, services.deleter());
        this.lastFlushMs = services.clock().millis();
        this.leaderEpoch = epochs.latestEpoch();
        this.highWatermark = new HighWatermark(services.soleReplica() ? segments.end().offset()
                : Math.min(Math.max(offsets.highWatermark(), logStartOffset), segments.end().offset()),
                services.soleReplica());
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

    Segments segments() {
        return segments;
    }

    LogServices services() {
        return services;
    }

    /** Runs the cleaner's swap under the append lock unless the log is closed; returns whether it ran. */
    boolean underAppendLock(CleanableLog.LockedAction action) throws IOException {
        synchronized (appendLock) {
            if (closed) {
                return false;
            }
            action.run();
            return true;
        }
    }

    /**
     * Loading: the transactions whose markers the producer-state replay saw; those whose markers
     * are not below the restored high watermark stay unstable until it passes them (as Kafka's).
     */
    void transactionsCompletedInReplay(List<CompletedTxn> completed) {
        synchronized (appendLock) {
            completed.forEach(txns::completed);
            txns.publish(highWatermark.get());
        }
    }

    /** The producer state; only for the writer's thread (and tests) while no append runs. */
    ProducerStateTable producers() {
        return producers;
    }

    @Override
    public List<ActiveProducer> activeProducers() {
        synchronized (appendLock) {
            return txns.activeProducers();
        }
    }

    @Override
    public boolean hasOngoingTransaction(long producerId, short producerEpoch) {
        synchronized (appendLock) {
            return txns.hasOngoingTransaction(producerId, producerEpoch);
        }
    }

    @Override
    public AppendResult append(MemoryRecords records, AppendContext context) {
        return leaderAppend(context, c -> appender.append(records, c, config, logStartOffset));
    }

    @Override
    public AppendResult appendTransactionMarker(long producerId, short producerEpoch, int coordinatorEpoch,
                                                boolean commit, int leaderEpoch, long nowMs) {
        return leaderAppend(new AppendContext(leaderEpoch, nowMs), c -> markers.append(producerId, producerEpoch,
                coordinatorEpoch, commit, c, config, logStartOffset));
    }

    /** A leader append at the context's epoch or the log's, whichever is higher. */
    private AppendResult leaderAppend(AppendContext context, Function<AppendContext, AppendResult> op) {
        synchronized (appendLock) {
            if (closed) {
                return AppendResult.failure(Errors.NOT_LEADER_OR_FOLLOWER, "The log of " + tp + " is closed",
                        logStartOffset);
            }
            int epoch = Math.max(context.leaderEpoch(), leaderEpoch);
            if (epoch > leaderEpoch) {
                becomeLeaderLocked(epoch);
            }
            return afterAppend(op.apply(epoch == context.leaderEpoch() ? context : new AppendContext(epoch,
                    context.nowMs())));
        }
    }

    /** Bookkeeping after a leader or follower append (append lock held). */
    private AppendResult afterAppend(AppendResult result) {
        recoveryPoint = Math.max(recoveryPoint, appender.flushedUpTo());
        followLogEnd();
        txns.highWatermarkMoved(highWatermark.get());
        if (result.error() == Errors.KAFKA_STORAGE_ERROR) {
            log.error("{}", result.errorMessage());
        }
        return result;
    }

    @Override
    public AppendResult appendAsFollower(MemoryRecords records) {
        synchronized (appendLock) {
            if (closed) {
                return AppendResult.failure(Errors.NOT_LEADER_OR_FOLLOWER, "The log of " + tp + " is closed",
                        logStartOffset);
            }
            return afterAppend(appender.appendAsFollower(records, config, logStartOffset, services.clock().millis()));
        }
    }

    @Override
    public void becomeLeader(int newLeaderEpoch) {
        synchronized (appendLock) {
            if (newLeaderEpoch < leaderEpoch) {
                log.warn("Ignoring leader epoch {} for {}: the log is already at epoch {}", newLeaderEpoch, tp,
                        leaderEpoch);
                return;
            }
            becomeLeaderLocked(newLeaderEpoch);
        }
    }

    /** The new epoch starts at the log end offset (Kafka records it at once, before any append in it). */
    private void becomeLeaderLocked(int newLeaderEpoch) {
        int previous = leaderEpoch;
        leaderEpoch = newLeaderEpoch;
        if (!closed && epochs.assign(newLeaderEpoch, segments.end().offset()) && previous >= 0) {
            log.info("{} is now led at epoch {} (was {}) from offset {}", tp, newLeaderEpoch, previous,
                    segments.end().offset());
        }
    }

    @Override
    public int leaderEpoch() {
        return leaderEpoch;
    }

    @Override
    public int latestEpoch() {
        return epochs.latestEpoch();
    }

    @Override
    public int epochAtLogStart() {
        EpochEntry earliest = epochs.earliest();
        return earliest != null && earliest.startOffset() <= logStartOffset ? earliest.epoch()
                : EpochEndOffset.UNDEFINED;
    }

    @Override
    public EpochEndOffset endOffsetForEpoch(int requestedEpoch) {
        return epochs.endOffsetFor(requestedEpoch, segments.end().offset());
    }

    /** The leader-epoch history (tests and tools). */
    List<EpochEntry> leaderEpochEntries() {
        return epochs.entries();
    }

    @Override
    public long truncateTo(long offset) {
        long before = segments.end().offset();
        long end = truncateToLocked(offset);
        if (end != before) {
            services.afterTruncation().run(); // outside the append lock: the registry's monitor is taken
        }
        return end;
    }

    private long truncateToLocked(long offset) {
        synchronized (appendLock) {
            ensureOpen();
            long target = Math.max(offset, logStartOffset);
            long end = segments.end().offset();
            if (target >= end) {
                // Nothing to cut, but an epoch recorded as starting at the log end (this replica led
                // briefly and appended nothing) is not history the leader shares: as Kafka, forget it,
                // or the follower would keep naming it as its last fetched epoch and never converge.
                epochs.truncateFromEnd(end);
                return end;
            }
            try {
                end = truncation.truncateTo(target, config, services.clock().millis());
            } catch (IOException e) {
                throw new UncheckedIOException("Truncating " + tp + " in " + dir + " to " + target + " failed", e);
            }
            if (end < logStartOffset) {
                // the batch holding the log start offset went: nothing readable is left
                truncateFullyLocked(logStartOffset);
                return logStartOffset;
            }
            afterTruncation(end);
            return end;
        }
    }

    @Override
    public void truncateFullyAndStartAt(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative");
        }
        synchronized (appendLock) {
            ensureOpen();
            truncateFullyLocked(offset);
        }
        services.afterTruncation().run();
    }

    private void truncateFullyLocked(long offset) {
        try {
            truncation.truncateFullyAndStartAt(offset, config, services.clock().millis());
        } catch (IOException e) {
            throw new UncheckedIOException("Truncating all of " + tp + " in " + dir + " failed", e);
        }
        logStartOffset = offset;
        highWatermark.resetTo(offset);
        appender.truncatedTo(offset);
        recoveryPoint = offset;
        txns.reset();
    }

    private void afterTruncation(long end) {
        txns.reset();
        highWatermark.truncatedTo(end);
        appender.truncatedTo(end);
        recoveryPoint = Math.min(recoveryPoint, end);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The log of " + tp + " is closed");
        }
    }

    @Override
    public boolean updateHighWatermark(long offset) {
        synchronized (appendLock) {
            boolean moved = highWatermark.advanceTo(offset, segments.end().offset());
            txns.highWatermarkMoved(highWatermark.get());
            return moved;
        }
    }

    @Override
    public void setHighWatermarkFollowsLogEnd(boolean follows) {
        synchronized (appendLock) {
            highWatermark.setFollowsLogEnd(follows, segments.end().offset());
        }
    }

    private void followLogEnd() {
        highWatermark.logEndMoved(segments.end().offset());
    }

    @Override
    public LogReadResult read(long fetchOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) {
        return LogReader.read(tp, segments, logStartOffset, highWatermark(), fetchOffset, maxBytes,
                maxOffsetExclusive, minOneBatch);
    }

    @Override
    public long logStartOffset() {
        return logStartOffset;
    }

    @Override
    public long sizeInBytes() {
        return segments.sizeInBytes();
    }

    @Override
    public Path directory() {
        return dir;
    }

    @Override
    public long logEndOffset() {
        return segments.end().offset();
    }

    @Override
    public long highWatermark() {
        return highWatermark.get();
    }

    @Override
    public long lastStableOffset() {
        return txns.lastStableOffset(highWatermark.get(), logStartOffset); // the high watermark first: see LogTransactions
    }

    @Override
    public List<AbortedTransaction> abortedTransactions(long fetchOffset, long upperBound) {
        return txns.aborted(fetchOffset, upperBound);
    }

    @Override
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        return TimestampSearch.offsetForTimestamp(segments, timestamp, logStartOffset);
    }

    @Override
    public Optional<TimestampAndOffset> maxTimestamp() {
        return TimestampSearch.maxTimestamp(segments);
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
    public long deleteRecordsBefore(long offset) {
        synchronized (appendLock) {
            LogConfig c = config;
            if (!c.delete()) {
                throw new PolicyViolationException("Records of partition " + tp
                        + " can not be deleted due to the configured policy");
            }
            long hw = highWatermark();
            if (offset < 0 || offset > hw) {
                throw new OffsetOutOfRangeException("Cannot increment the log start offset to " + offset + " of partition "
                        + tp + " since it is larger than the high watermark " + hw);
            }
            if (closed || offset <= logStartOffset) {
                return logStartOffset;
            }
            logStartOffset = offset;
            epochs.truncateFromStart(offset);
            try {
                retention.deleteDeletable(c, services.clock().millis(), offset, hw, true, this::advanceStartOffset);
            } catch (IOException e) {
                log.warn("Deleting segments of {} below the new log start offset {} failed: {}", tp, offset,
                        e.toString());
            }
            return logStartOffset;
        }
    }

    /** Forces a rolled segment on the flusher thread, then moves the recovery point to its end. */
    private void flushRolledInBackground(LogSegment rolled, long nextBaseOffset) {
        services.flusher().submit(() -> {
            if (!rolled.retain()) {
                return; // deleted or closed meanwhile: whoever closed it flushed it
            }
            try {
                rolled.flush();
                synchronized (appendLock) {
                    recoveryPoint = Math.max(recoveryPoint, nextBaseOffset);
                }
            } catch (IOException e) {
                log.error("Flushing the rolled segment {} of {} failed: {}", rolled.logFile().getFileName(), tp,
                        e.toString());
            } finally {
                rolled.release();
            }
        });
    }

    private void advanceStartOffset(long offset) {
        logStartOffset = Math.max(logStartOffset, offset);
        epochs.truncateFromStart(logStartOffset);
    }

    /**
     * One retention pass (roll if due, delete old segments); returns the segments deleted. Run by
     * the maintenance thread every {@code log.retention.check.interval.ms}.
     */
    int deleteOldSegments() {
        synchronized (appendLock) {
            if (closed) {
                return 0;
            }
            try {
                int deleted = retention.run(config, services.clock().millis(), logStartOffset, highWatermark(),
                        this::advanceStartOffset);
                recoveryPoint = Math.max(recoveryPoint, appender.flushedUpTo());
                return deleted;
            } catch (IOException e) {
                log.warn("Retention of {} in {} failed: {}", tp, dir, e.toString());
                return 0;
            }
        }
    }

    /** Flushes when {@code flush.ms} has passed since the last flush (the background flusher). */
    void flushIfDue() {
        synchronized (appendLock) {
            long flushMs = config.flushMs();
            if (!closed && flushMs != Long.MAX_VALUE && services.clock().millis() - lastFlushMs >= flushMs) {
                flushLocked();
            }
        }
    }

    /** The offset below which the log is known to be on disk. */
    long recoveryPoint() {
        return recoveryPoint;
    }

    @Override
    public void flush() {
        synchronized (appendLock) {
            if (!closed) {
                flushLocked();
            }
        }
    }

    private void flushLocked() {
        long end = segments.end().offset();
        try {
            segments.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Flush of " + tp + " in " + dir + " failed", e);
        }
        appender.flushed(end);
        recoveryPoint = Math.max(recoveryPoint, end);
        lastFlushMs = services.clock().millis();
    }

    @Override
    public void close() {
        synchronized (appendLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                segments.flush();
                recoveryPoint = segments.end().offset();
                segments.closeAll();
            } catch (IOException e) {
                log.warn("Closing the log of {} in {} failed: {}", tp, dir, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "DiskPartitionLog(" + tp + ", " + dir + ")";
    }
}
