package io.skein.broker.handler;

import io.skein.coordinator.group.CommittedOffset;
import io.skein.coordinator.group.GroupCoordinator;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * OffsetFetch: one group (versions 1-7) or several (8+, topics by id from 10). A partition
 * without a committed offset answers offset -1 and empty metadata; a null topic list means every
 * partition the group committed. There are no pending transactional offsets yet, so
 * {@code require_stable} never has anything to wait for. With ACLs, as in Kafka: DESCRIBE on the
 * group (GROUP_AUTHORIZATION_FAILED) and on each topic asked for (TOPIC_AUTHORIZATION_FAILED per
 * partition); when all partitions are asked for, topics the caller may not DESCRIBE are left out.
 */
public final class OffsetFetchHandler implements RequestHandler {

    private final GroupCoordinator coordinator;
    private final MetadataQuorum quorum;
    private final Authorization authz;

    public OffsetFetchHandler(GroupCoordinator coordinator, MetadataQuorum quorum, Authorization authz) {
        this.authz = authz;
        this.coordinator = coordinator;
        this.quorum = quorum;
    }

    /** One topic of a request: its name (null when an id is unknown), id, and partitions (null = all). */
    private record Requested(String name, Uuid id, List<Integer> partitions) {
    }

    /** A partition's answer. */
    private record Answer(int partition, long offset, int leaderEpoch, String metadata, Errors error) {
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        OffsetFetchRequestData data = ((OffsetFetchRequest) request).data();
        short version = context.apiVersion();
        MetadataImage image = quorum.image();
        OffsetFetchResponseData response = new OffsetFetchResponseData();
        if (version < 8) {
            List<Requested> topics = data.topics() == null ? null : data.topics().stream()
                    .map(t -> new Requested(t.name(), Uuid.ZERO_UUID, t.partitionIndexes())).toList();
            if (!authz.authorize(context, AclOperation.DESCRIBE, ResourceType.GROUP, data.groupId())) {
                return CompletableFuture.completedFuture(
                        Authorization.refused(request, Errors.GROUP_AUTHORIZATION_FAILED));
            }
            GroupAnswer answer = fetch(context, data.groupId(), topics, image, false,
                    version >= 7 && data.requireStable());
            if (answer.error() != Errors.NONE && version >= 2) {
                return CompletableFuture.completedFuture(response.setErrorCode(answer.error().code()));
            }
            for (Map.Entry<Requested, List<Answer>> e : answer.topics().entrySet()) {
                OffsetFetchResponseTopic topic = new OffsetFetchResponseTopic().setName(e.getKey().name());
                for (Answer a : e.getValue()) {
                    topic.partitions().add(new OffsetFetchResponsePartition().setPartitionIndex(a.partition())
                            .setCommittedOffset(a.offset()).setCommittedLeaderEpoch(a.leaderEpoch())
                            .setMetadata(a.metadata()).setErrorCode(a.error().code()));
                }
                response.topics().add(topic);
            }
            return CompletableFuture.completedFuture(response);
        }
        boolean byId = version >= 10;
        for (OffsetFetchRequestData.OffsetFetchRequestGroup group : data.groups()) {
            List<Requested> topics = group.topics() == null ? null : group.topics().stream()
                    .map(t -> byId ? new Requested(image.topic(t.topicId()).map(MetadataImage.TopicImage::name)
                            .orElse(null), t.topicId(), t.partitionIndexes())
                            : new Requested(t.name(), Uuid.ZERO_UUID, t.partitionIndexes())).toList();
            if (!authz.authorize(context, AclOperation.DESCRIBE, ResourceType.GROUP, group.groupId())) {
                response.groups().add(new OffsetFetchResponseGroup().setGroupId(group.groupId())
                        .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
                continue;
            }
            GroupAnswer answer = fetch(context, group.groupId(), topics, image, byId, data.requireStable());
            OffsetFetchResponseGroup out = new OffsetFetchResponseGroup().setGroupId(group.groupId())
                    .setErrorCode(answer.error().code());
            for (Map.Entry<Requested, List<Answer>> e : answer.topics().entrySet()) {
                OffsetFetchResponseTopics topic = new OffsetFetchResponseTopics();
                if (byId) {
                    topic.setTopicId(e.getKey().id());
                } else {
                    topic.setName(e.getKey().name());
                }
                for (Answer a : e.getValue()) {
                    topic.partitions().add(new OffsetFetchResponsePartitions().setPartitionIndex(a.partition())
                            .setCommittedOffset(a.offset()).setCommittedLeaderEpoch(a.leaderEpoch())
                            .setMetadata(a.metadata()).setErrorCode(a.error().code()));
                }
                out.topics().add(topic);
            }
            response.groups().add(out);
        }
        return CompletableFuture.completedFuture(response);
    }

    private record GroupAnswer(Errors error, Map<Requested, List<Answer>> topics) {
    }

    /**
     * @param requireStable a read_committed consumer asks (version 7+): a partition whose offset an
     *     open transaction is committing answers UNSTABLE_OFFSET_COMMIT, and the client retries
     */
    private GroupAnswer fetch(RequestContext context, String groupId, List<Requested> topics, MetadataImage image,
                              boolean byId, boolean requireStable) {
        List<TopicPartition> wanted = null;
        java.util.Set<String> refused = new java.util.HashSet<>();
        if (topics != null) {
            wanted = new ArrayList<>();
            for (Requested t : topics) {
                if (t.name() != null && !authz.authorize(context, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name())) {
                    refused.add(t.name());
                } else if (t.name() != null) {
                    for (int p : t.partitions()) {
                        wanted.add(new TopicPartition(t.name(), p));
                    }
                }
            }
        }
        GroupCoordinator.FetchResult result = coordinator.fetchOffsets(groupId, wanted);
        Map<Requested, List<Answer>> out = new LinkedHashMap<>();
        if (topics == null) {
            if (result.error() == Errors.NONE) {
                Map<String, Requested> byName = new LinkedHashMap<>();
                for (Map.Entry<TopicPartition, CommittedOffset> e : result.offsets().entrySet()) {
                    String name = e.getKey().topic();
                    if (!authz.allows(context, AclOperation.DESCRIBE, ResourceType.TOPIC, name)) {
                        continue;
                    }
                    Uuid id = image.topic(name).map(MetadataImage.TopicImage::id).orElse(Uuid.ZERO_UUID);
                    if (byId && Uuid.ZERO_UUID.equals(id)) {
                        continue; // a topic deleted since the commit has no id to answer with
                    }
                    Requested key = byName.computeIfAbsent(name, n -> new Requested(n, id, List.of()));
                    out.computeIfAbsent(key, k -> new ArrayList<>()).add(answer(e.getKey().partition(), e.getValue()));
                }
            }
            return new GroupAnswer(result.error(), out);
        }
        for (Requested t : topics) {
            List<Answer> answers = new ArrayList<>();
            for (int p : t.partitions()) {
                if (t.name() == null) {
                    answers.add(new Answer(p, -1, -1, "", Errors.UNKNOWN_TOPIC_ID));
                } else if (refused.contains(t.name())) {
                    answers.add(new Answer(p, -1, -1, "", Errors.TOPIC_AUTHORIZATION_FAILED));
                } else if (result.error() != Errors.NONE) {
                    answers.add(new Answer(p, -1, -1, "", result.error()));
                } else if (requireStable
                        && coordinator.hasPendingTransactionalOffset(groupId, new TopicPartition(t.name(), p))) {
                    answers.add(new Answer(p, -1, -1, "", Errors.UNSTABLE_OFFSET_COMMIT));
                } else {
                    answers.add(answer(p, result.offsets().get(new TopicPartition(t.name(), p))));
                }
            }
            out.put(t, answers);
        }
        return new GroupAnswer(result.error(), out);
    }

    private static Answer answer(int partition, CommittedOffset committed) {
        if (committed == null) {
            return new Answer(partition, -1, -1, "", Errors.NONE);
        }
        return new Answer(partition, committed.offset(), committed.leaderEpoch(), committed.metadata(), Errors.NONE);
    }
}
