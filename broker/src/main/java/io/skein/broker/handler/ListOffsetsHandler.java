package io.skein.broker.handler;

import io.skein.broker.partition.PartitionLookup;
import io.skein.broker.partition.Partitions;
import io.skein.log.api.PartitionLog;
import io.skein.log.api.TimestampAndOffset;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * ListOffsets: earliest, latest, max timestamp, earliest local, and the first offset at or after
 * a timestamp. "Latest" is the high watermark for read_uncommitted and the last stable offset for
 * read_committed (with the partition's leader epoch), and a timestamp lookup never answers an
 * offset at or past that end, as in Kafka; "earliest" carries the epoch of the batches at the log
 * start, as Kafka's answers do.
 */
public final class ListOffsetsHandler implements RequestHandler {

    private final Partitions partitions;
    private final Authorization authz;

    public ListOffsetsHandler(Partitions partitions, Authorization authz) {
        this.partitions = partitions;
        this.authz = authz;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ListOffsetsRequestData data = ((ListOffsetsRequest) request).data();
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        boolean readCommitted = data.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : data.topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            boolean describable = authz.authorize(context, AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name());
            for (ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
                ListOffsetsPartitionResponse out = describable
                        ? answer(new TopicPartition(topic.name(), p.partitionIndex()), p, readCommitted)
                        : new ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex()).setTimestamp(-1)
                        .setOffset(-1).setLeaderEpoch(-1).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                if (context.apiVersion() < 4) {
                    out.setLeaderEpoch(-1); // not in the schema before v4
                }
                topicResponse.partitions().add(out);
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private ListOffsetsPartitionResponse answer(TopicPartition tp, ListOffsetsRequestData.ListOffsetsPartition p,
                                                boolean readCommitted) {
        ListOffsetsPartitionResponse out = new ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex())
                .setTimestamp(-1).setOffset(-1).setLeaderEpoch(-1);
        PartitionLookup lookup = partitions.lookup(tp);
        if (!lookup.ok()) {
            return out.setErrorCode(lookup.error().code());
        }
        Errors epochError = FetchReader.checkLeaderEpoch(p.currentLeaderEpoch(), lookup.partition().leaderEpoch());
        if (epochError != Errors.NONE) {
            return out.setErrorCode(epochError.code());
        }
        PartitionLog log = lookup.partition().log();
        int epoch = lookup.partition().leaderEpoch();
        long ts = p.timestamp();
        if (ts == ListOffsetsRequest.EARLIEST_TIMESTAMP || ts == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            // as Kafka: the epoch of the batches at the log start (-1 if the history does not reach back there)
            return out.setOffset(log.logStartOffset()).setLeaderEpoch(log.epochAtLogStart());
        }
        // read_committed consumers see offsets below the last stable offset only
        long visibleEnd = readCommitted ? log.lastStableOffset() : log.highWatermark();
        if (ts == ListOffsetsRequest.LATEST_TIMESTAMP) {
            return out.setOffset(visibleEnd).setLeaderEpoch(epoch);
        }
        if (ts == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
            return out; // no tiered storage: Kafka answers -1
        }
        if (ts == ListOffsetsRequest.MAX_TIMESTAMP) {
            return fill(out, log.maxTimestamp(), visibleEnd);
        }
        if (ts < 0) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code());
        }
        return fill(out, log.offsetForTimestamp(ts), visibleEnd);
    }

    /** The found offset, unless it is at or past what the caller may see (then none, as Kafka answers). */
    private static ListOffsetsPartitionResponse fill(ListOffsetsPartitionResponse out,
                                                     Optional<TimestampAndOffset> found, long visibleEnd) {
        found.filter(t -> t.offset() < visibleEnd)
                .ifPresent(t -> out.setTimestamp(t.timestamp()).setOffset(t.offset()).setLeaderEpoch(t.leaderEpoch()));
        return out;
    }
}
