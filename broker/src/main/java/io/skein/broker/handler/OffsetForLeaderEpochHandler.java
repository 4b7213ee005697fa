package io.skein.broker.handler;

import io.skein.broker.partition.PartitionLookup;
import io.skein.broker.partition.Partitions;
import io.skein.log.api.EpochEndOffset;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * OffsetForLeaderEpoch (KIP-101, KIP-320): where a leader epoch ends in this leader's log. Followers
 * ask it to find where their history diverged; consumers ask it after a leader change to detect
 * truncation (comparing the answer with their position).
 *
 * <p>As Kafka: CLUSTER_ACTION on the cluster allows every topic, otherwise each topic needs
 * DESCRIBE (TOPIC_AUTHORIZATION_FAILED); a partition this node does not lead is
 * NOT_LEADER_OR_FOLLOWER, an unknown one UNKNOWN_TOPIC_OR_PARTITION; {@code current_leader_epoch}
 * below the partition's is FENCED_LEADER_EPOCH, above it UNKNOWN_LEADER_EPOCH (-1 skips the
 * check); otherwise the log's {@link io.skein.log.api.PartitionLog#endOffsetForEpoch} answer, with
 * -1/-1 when the log knows no such epoch.
 *
 * <p>Stateless; safe on any thread (the epoch history is read lock-free).
 */
public final class OffsetForLeaderEpochHandler implements RequestHandler {

    private final Partitions partitions;
    private final Authorization authz;

    public OffsetForLeaderEpochHandler(Partitions partitions, Authorization authz) {
        this.partitions = partitions;
        this.authz = authz;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        OffsetForLeaderEpochRequestData data = ((OffsetsForLeaderEpochRequest) request).data();
        boolean clusterAction = authz.allowsCluster(context, AclOperation.CLUSTER_ACTION);
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData().setThrottleTimeMs(0);
        for (OffsetForLeaderTopic topic : data.topics()) {
            boolean allowed = clusterAction
                    || authz.authorize(context, AclOperation.DESCRIBE, ResourceType.TOPIC, topic.topic());
            OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderPartition p : topic.partitions()) {
                result.partitions().add(allowed ? answer(new TopicPartition(topic.topic(), p.partition()), p)
                        : failed(p.partition(), Errors.TOPIC_AUTHORIZATION_FAILED));
            }
            response.topics().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private OffsetForLeaderEpochResponseData.EpochEndOffset answer(TopicPartition tp, OffsetForLeaderPartition p) {
        PartitionLookup lookup = partitions.lookup(tp);
        if (!lookup.ok()) {
            return failed(p.partition(), lookup.error());
        }
        Errors epochError = FetchReader.checkLeaderEpoch(p.currentLeaderEpoch(), lookup.partition().leaderEpoch());
        if (epochError != Errors.NONE) {
            return failed(p.partition(), epochError);
        }
        EpochEndOffset found = lookup.partition().log().endOffsetForEpoch(p.leaderEpoch());
        return new OffsetForLeaderEpochResponseData.EpochEndOffset().setPartition(p.partition())
                .setErrorCode(Errors.NONE.code()).setLeaderEpoch(found.epoch()).setEndOffset(found.endOffset());
    }

    private static OffsetForLeaderEpochResponseData.EpochEndOffset failed(int partition, Errors error) {
        return new OffsetForLeaderEpochResponseData.EpochEndOffset().setPartition(partition)
                .setErrorCode(error.code()).setLeaderEpoch(EpochEndOffset.UNDEFINED)
                .setEndOffset(EpochEndOffset.UNDEFINED);
    }
}
