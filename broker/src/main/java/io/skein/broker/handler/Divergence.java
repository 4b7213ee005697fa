package io.skein.broker.handler;

import io.skein.log.api.EpochEndOffset;
import io.skein.log.api.PartitionLog;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Kafka's diverging-epoch check of a fetch (KIP-595, used by followers and consumers since KIP-320):
 * the fetcher says which epoch its last fetched batch had; the leader looks up where that epoch ends
 * in its own log. If the leader knows no such epoch, the fetch is OFFSET_OUT_OF_RANGE; if the
 * fetch offset is below the log start, too. If the leader's epoch there is older than the
 * fetcher's, or that epoch ends before the fetch offset, the fetcher's log holds history the
 * leader does not: the answer carries {@code diverging_epoch} (the leader's epoch and its end) and
 * no records, and the fetcher truncates to it.
 *
 * <p>Stateless.
 */
final class Divergence {

    private Divergence() {
    }

    /**
     * Fills {@code out} and returns true when the fetch must be answered without records (diverged
     * or out of range); false when the fetcher's history agrees with the log.
     */
    static boolean check(PartitionLog log, long fetchOffset, int lastFetchedEpoch, PartitionData out) {
        long highWatermark = log.highWatermark();
        long logStart = log.logStartOffset();
        out.setHighWatermark(highWatermark).setLastStableOffset(log.lastStableOffset()).setLogStartOffset(logStart);
        EpochEndOffset end = log.endOffsetForEpoch(lastFetchedEpoch);
        if (!end.defined() || fetchOffset < logStart) {
            out.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
            return true;
        }
        if (end.epoch() < lastFetchedEpoch || end.endOffset() < fetchOffset) {
            out.setDivergingEpoch(new FetchResponseData.EpochEndOffset().setEpoch(end.epoch())
                    .setEndOffset(end.endOffset()));
            return true;
        }
        return false;
    }
}
