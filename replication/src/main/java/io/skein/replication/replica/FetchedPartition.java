package io.skein.replication.replica;

import io.skein.log.api.AppendResult;
import io.skein.log.api.EpochEndOffset;
import io.skein.log.api.PartitionLog;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * Applies one partition of a leader's fetch response to the follower's log:
 *
 * <ul>
 *   <li>records: appended as fetched ({@link PartitionLog#appendAsFollower}), then the high
 *       watermark moves to the leader's (capped at the log end) and the log start up to the
 *       leader's (capped at the high watermark);</li>
 *   <li>{@code diverging_epoch} (KIP-320/KIP-595): the follower's history past the end of the
 *       leader's epoch differs: truncate to where both agree — the smaller of the leader's end of
 *       that epoch and the follower's own end of the largest epoch at or below it — and fetch on;</li>
 *   <li>OFFSET_OUT_OF_RANGE below the leader's log start: start the log over at the leader's log
 *       start; otherwise (the follower claims an epoch the leader never had, so part of its log is
 *       unknown to the leader) truncate to the leader's high watermark, below which every in-sync
 *       replica agrees, and let the next fetch's epoch check do the rest;</li>
 *   <li>NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH and the like: the
 *       metadata is changing; back off and wait for the next image.</li>
 * </ul>
 *
 * <p>Stateless; the caller serialises calls for one log.
 */
final class FetchedPartition {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FetchedPartition.class);

    /** What the fetcher does next with the partition. */
    enum Next { FETCH, BACK_OFF }

    /** The outcome and a one-line reason when the partition backs off. */
    record Result(Next next, Errors error, String reason) {
        static final Result FETCH_ON = new Result(Next.FETCH, Errors.NONE, null);
    }

    private FetchedPartition() {
    }

    static Result apply(PartitionLog log, PartitionData data) {
        Errors error = Errors.forCode(data.errorCode());
        if (error == Errors.OFFSET_OUT_OF_RANGE) {
            return outOfRange(log, data);
        }
        if (error != Errors.NONE) {
            return new Result(Next.BACK_OFF, error, "the leader answered " + error.name());
        }
        if (FetchResponse.isDivergingEpoch(data)) {
            FetchResponseData.EpochEndOffset diverging = data.divergingEpoch();
            long before = log.logEndOffset();
            int epochBefore = log.latestEpoch();
            long after = log.truncateTo(truncationOffset(log, diverging.epoch(), diverging.endOffset()));
            if (before == after && epochBefore != log.latestEpoch()) {
                LOG.info("Forgot leader epoch {} of {}, which started at its log end {} without batches (this replica "
                        + "led briefly); the leader's epoch {} ends there", epochBefore, log.topicPartition(), before,
                        diverging.epoch());
                return Result.FETCH_ON;
            }
            if (before == after) {
                return new Result(Next.BACK_OFF, Errors.NONE, "diverging epoch " + diverging.epoch()
                        + " ending at " + diverging.endOffset() + " but nothing to truncate at log end " + before);
            }
            LOG.info("Truncated {} from log end {} to {}: its history diverged from the leader's after epoch {} "
                    + "(which ends at {} on the leader)", log.topicPartition(), before, after, diverging.epoch(),
                    diverging.endOffset());
            return Result.FETCH_ON;
        }
        if (data.records() instanceof MemoryRecords records && records.sizeInBytes() > 0) {
            AppendResult appended = log.appendAsFollower(records);
            if (!appended.succeeded()) {
                return new Result(Next.BACK_OFF, appended.error(), "the follower append failed: "
                        + appended.error().name() + " " + appended.errorMessage());
            }
        }
        if (data.highWatermark() >= 0) {
            log.updateHighWatermark(data.highWatermark());
        }
        followLogStart(log, data.logStartOffset());
        return Result.FETCH_ON;
    }

    /**
     * The leader's log start moved up (DeleteRecords, retention): the follower's follows, as far as
     * its own high watermark allows (Kafka's follower does the same), so a later leader change does
     * not bring deleted records back. Compacted-only logs keep theirs (the leader refuses DeleteRecords there).
     */
    private static void followLogStart(PartitionLog log, long leaderLogStart) {
        long target = Math.min(leaderLogStart, log.highWatermark());
        if (target <= log.logStartOffset() || !log.config().delete()) {
            return;
        }
        try {
            log.deleteRecordsBefore(target);
        } catch (RuntimeException e) {
            LOG.warn("Could not move the log start of {} up to the leader's {}: {}", log.topicPartition(), target,
                    e.getMessage());
        }
    }

    /**
     * Where a follower whose history diverged from the leader's after {@code leaderEpoch} (which
     * ends at {@code leaderEndOffset} on the leader) truncates to.
     */
    static long truncationOffset(PartitionLog log, int leaderEpoch, long leaderEndOffset) {
        long target = Math.min(leaderEndOffset, log.logEndOffset());
        EpochEndOffset own = log.endOffsetForEpoch(leaderEpoch);
        return own.defined() ? Math.min(target, own.endOffset()) : target;
    }

    private static Result outOfRange(PartitionLog log, PartitionData data) {
        long leaderLogStart = data.logStartOffset();
        if (leaderLogStart > log.logEndOffset()) {
            LOG.info("Emptied {} and restarted it at {}: its log end {} is below the leader's log start",
                    log.topicPartition(), leaderLogStart, log.logEndOffset());
            log.truncateFullyAndStartAt(leaderLogStart);
            return Result.FETCH_ON;
        }
        long before = log.logEndOffset();
        long after = data.highWatermark() >= 0 ? log.truncateTo(data.highWatermark()) : before;
        if (before != after) {
            LOG.info("Truncated {} from log end {} to the leader's high watermark {}: the leader has no epoch at or "
                    + "below this log's latest", log.topicPartition(), before, after);
        }
        return before == after ? new Result(Next.BACK_OFF, Errors.OFFSET_OUT_OF_RANGE, "fetch offset " + before
                + " out of range of the leader (log start " + leaderLogStart + ", high watermark "
                + data.highWatermark() + ")") : Result.FETCH_ON;
    }
}
