package io.skein.broker.txn;

import io.skein.broker.partition.PartitionLookup;
import io.skein.broker.partition.Partitions;
import io.skein.broker.purgatory.DelayedOperation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Markers written to leaders' logs, waiting (in the fetch purgatory, keyed by partition) until
 * each partition's high watermark has passed its marker, as Kafka's WriteTxnMarkers appends with
 * acks=all: only then is the transaction's outcome safe from a leader change. Completes with the
 * error of each partition: NONE once replicated, NOT_LEADER_OR_FOLLOWER (or the lookup's error)
 * when this node stopped leading it, REQUEST_TIMED_OUT when the wait ran out; partitions whose
 * append already failed keep that error.
 *
 * <p>Threading: created on the writing thread; {@link #isSatisfied} runs on whichever thread moves
 * a high watermark (or the timeout scheduler) and only reads the logs' published offsets.
 */
final class DelayedMarkers extends DelayedOperation {

    private final Partitions partitions;
    private final Map<TopicPartition, Errors> appended;
    private final Map<TopicPartition, Long> markerOffsets;
    private final CompletableFuture<Map<TopicPartition, Errors>> future = new CompletableFuture<>();

    /**
     * @param appended every partition's append outcome, in request order
     * @param markerOffsets the offset of each marker appended
     */
    DelayedMarkers(Partitions partitions, Map<TopicPartition, Errors> appended, Map<TopicPartition, Long> markerOffsets) {
        this.partitions = partitions;
        this.appended = appended;
        this.markerOffsets = markerOffsets;
    }

    CompletableFuture<Map<TopicPartition, Errors>> future() {
        return future;
    }

    @Override
    protected boolean isSatisfied() {
        for (Map.Entry<TopicPartition, Long> marker : markerOffsets.entrySet()) {
            if (stateOf(marker.getKey(), marker.getValue()) == null) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void onComplete() {
        Map<TopicPartition, Errors> result = new LinkedHashMap<>(appended);
        for (Map.Entry<TopicPartition, Long> marker : markerOffsets.entrySet()) {
            Errors state = stateOf(marker.getKey(), marker.getValue());
            result.put(marker.getKey(), state == null ? Errors.REQUEST_TIMED_OUT : state);
        }
        future.complete(result);
    }

    /** NONE when replicated, an error when the partition is no longer led here, null while waiting. */
    private Errors stateOf(TopicPartition tp, long markerOffset) {
        PartitionLookup lookup = partitions.lookup(tp);
        if (!lookup.ok()) {
            return lookup.error();
        }
        return lookup.partition().log().highWatermark() > markerOffset ? Errors.NONE : null;
    }
}
