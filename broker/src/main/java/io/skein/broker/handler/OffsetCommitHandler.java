package io.skein.broker.handler;

import io.skein.coordinator.group.GroupCoordinator;
import io.skein.coordinator.group.OffsetCommitEntry;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * OffsetCommit (versions 2-10; topics by id from version 10): topics that do not exist get
 * UNKNOWN_TOPIC_OR_PARTITION (UNKNOWN_TOPIC_ID by id), the rest go to the group coordinator.
 * With ACLs, as in Kafka: READ on the group (else every partition answers GROUP_AUTHORIZATION_FAILED)
 * and READ on each topic (TOPIC_AUTHORIZATION_FAILED, before its existence is checked).
 */
public final class OffsetCommitHandler implements RequestHandler {

    private final GroupCoordinator coordinator;
    private final MetadataQuorum quorum;
    private final Authorization authz;

    public OffsetCommitHandler(GroupCoordinator coordinator, MetadataQuorum quorum, Authorization authz) {
        this.authz = authz;
        this.coordinator = coordinator;
        this.quorum = quorum;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        OffsetCommitRequestData data = ((OffsetCommitRequest) request).data();
        short version = context.apiVersion();
        if (!authz.authorize(context, AclOperation.READ, ResourceType.GROUP, data.groupId())) {
            return CompletableFuture.completedFuture(Authorization.refused(request, Errors.GROUP_AUTHORIZATION_FAILED));
        }
        MetadataImage image = quorum.image();
        List<OffsetCommitEntry> entries = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Boolean> readable = new ArrayList<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic topic : data.topics()) {
            String requested = version >= 10
                    ? image.topic(topic.topicId()).map(MetadataImage.TopicImage::name).orElse(null) : topic.name();
            boolean mayRead = requested == null
                    || authz.authorize(context, AclOperation.READ, ResourceType.TOPIC, requested);
            readable.add(mayRead);
            String name = requested != null && mayRead && image.topic(requested).isPresent() ? requested : null;
            names.add(name);
            if (name == null) {
                continue;
            }
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                entries.add(new OffsetCommitEntry(new TopicPartition(name, p.partitionIndex()), p.committedOffset(),
                        p.committedLeaderEpoch(), p.committedMetadata()));
            }
        }
        // answered once the offsets are replicated (below the high watermark of the group's partition)
        return coordinator.commitOffsets(data.groupId(), data.generationIdOrMemberEpoch(), data.memberId(),
                data.groupInstanceId(), version, entries).thenApply(results -> response(data, version, names,
                readable, results));
    }

    private static ApiMessage response(OffsetCommitRequestData data, short version, List<String> names,
                                       List<Boolean> readable, Map<TopicPartition, Errors> results) {
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        for (int i = 0; i < data.topics().size(); i++) {
            OffsetCommitRequestData.OffsetCommitRequestTopic topic = data.topics().get(i);
            String name = names.get(i);
            OffsetCommitResponseTopic out = new OffsetCommitResponseTopic();
            if (version >= 10) {
                out.setTopicId(topic.topicId() == null ? Uuid.ZERO_UUID : topic.topicId());
            } else {
                out.setName(topic.name());
            }
            Errors unknown = !readable.get(i) ? Errors.TOPIC_AUTHORIZATION_FAILED
                    : version >= 10 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                Errors error = name == null ? unknown
                        : results.getOrDefault(new TopicPartition(name, p.partitionIndex()), Errors.NONE);
                out.partitions().add(new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
            response.topics().add(out);
        }
        return response;
    }
}
