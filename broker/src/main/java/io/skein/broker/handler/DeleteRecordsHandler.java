package io.skein.broker.handler;

import io.skein.broker.partition.PartitionLookup;
import io.skein.broker.partition.Partitions;
import io.skein.log.api.OffsetOutOfRangeException;
import io.skein.log.api.PartitionLog;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DeleteRecordsRequest;

/**
 * DeleteRecords: moves each partition's log start offset up to the requested offset ({@code -1}:
 * the high watermark) and deletes the segments wholly below it, answering the new low watermark.
 * Kafka's errors: an offset above the high watermark is OFFSET_OUT_OF_RANGE, a topic whose
 * cleanup.policy lacks {@code delete} is POLICY_VIOLATION, a partition this node does not lead
 * NOT_LEADER_OR_FOLLOWER, an unknown one UNKNOWN_TOPIC_OR_PARTITION. On one node the high
 * watermark is reached as soon as the start offset moved, so no purgatory is needed.
 *
 * <p>Stateless; runs on a request thread (segment renames are quick; deletion is delayed).
 */
public final class DeleteRecordsHandler implements RequestHandler {

    private final Partitions partitions;
    private final Authorization authz;

    public DeleteRecordsHandler(Partitions partitions, Authorization authz) {
        this.partitions = partitions;
        this.authz = authz;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        DeleteRecordsRequestData data = ((DeleteRecordsRequest) request).data();
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsRequestData.DeleteRecordsTopic topic : data.topics()) {
            DeleteRecordsTopicResult topicResult = new DeleteRecordsTopicResult().setName(topic.name());
            response.topics().add(topicResult);
            // as Kafka: deleting records needs DELETE on the topic
            if (!authz.authorize(context, AclOperation.DELETE, ResourceType.TOPIC, topic.name())) {
                for (DeleteRecordsRequestData.DeleteRecordsPartition p : topic.partitions()) {
                    topicResult.partitions().add(new DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex())
                            .setLowWatermark(-1).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
                }
                continue;
            }
            for (DeleteRecordsRequestData.DeleteRecordsPartition p : topic.partitions()) {
                topicResult.partitions().add(deleteRecords(new TopicPartition(topic.name(), p.partitionIndex()),
                        p.offset()));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private DeleteRecordsPartitionResult deleteRecords(TopicPartition tp, long offset) {
        DeleteRecordsPartitionResult out = new DeleteRecordsPartitionResult().setPartitionIndex(tp.partition())
                .setLowWatermark(-1);
        PartitionLookup lookup = partitions.lookup(tp);
        if (!lookup.ok()) {
            return out.setErrorCode(lookup.error().code());
        }
        PartitionLog log = lookup.partition().log();
        long target = offset == DeleteRecordsRequest.HIGH_WATERMARK ? log.highWatermark() : offset;
        try {
            return out.setLowWatermark(log.deleteRecordsBefore(target)).setErrorCode(Errors.NONE.code());
        } catch (OffsetOutOfRangeException e) {
            return out.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
        } catch (PolicyViolationException e) {
            return out.setErrorCode(Errors.POLICY_VIOLATION.code());
        }
    }
}
