package io.skein.broker.handler;

import io.skein.coordinator.group.GroupCoordinator;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Group administration: ListGroups (with state and type filters), DescribeGroups, DeleteGroups
 * and OffsetDelete, as Kafka's Admin client and {@code kafka-consumer-groups} use them. With ACLs,
 * as in Kafka: ListGroups shows every group to a caller allowed to DESCRIBE the cluster and
 * otherwise only the groups it may DESCRIBE; DescribeGroups needs DESCRIBE and DeleteGroups DELETE
 * on each group; OffsetDelete DELETE on the group and READ on each topic.
 */
public final class GroupAdminHandler implements RequestHandler {

    private final GroupCoordinator coordinator;
    private final MetadataQuorum quorum;
    private final Authorization authz;

    public GroupAdminHandler(GroupCoordinator coordinator, MetadataQuorum quorum, Authorization authz) {
        this.authz = authz;
        this.coordinator = coordinator;
        this.quorum = quorum;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        short version = context.apiVersion();
        if (request instanceof ListGroupsRequest list) {
            return CompletableFuture.completedFuture(listGroups(context, list.data(), version));
        } else if (request instanceof DescribeGroupsRequest describe) {
            return CompletableFuture.completedFuture(describeGroups(context, describe.data(), version));
        } else if (request instanceof DeleteGroupsRequest delete) {
            return deleteGroups(context, delete.data().groupsNames());
        }
        return deleteOffsets(context, ((OffsetDeleteRequest) request).data());
    }

    /** Answered once every deleted group's tombstones are replicated. */
    private CompletableFuture<ApiMessage> deleteGroups(RequestContext context, List<String> groupIds) {
        List<CompletableFuture<Errors>> results = new ArrayList<>();
        for (String groupId : groupIds) {
            results.add(authz.authorize(context, AclOperation.DELETE, ResourceType.GROUP, groupId)
                    ? coordinator.deleteGroup(groupId) : CompletableFuture.completedFuture(
                            Errors.GROUP_AUTHORIZATION_FAILED));
        }
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            DeleteGroupsResponseData out = new DeleteGroupsResponseData();
            for (int i = 0; i < groupIds.size(); i++) {
                out.results().add(new DeletableGroupResult().setGroupId(groupIds.get(i))
                        .setErrorCode(results.get(i).join().code()));
            }
            return out;
        });
    }

    private ListGroupsResponseData listGroups(RequestContext context, ListGroupsRequestData data, short version) {
        List<String> states = version >= 4 && data.statesFilter() != null ? data.statesFilter() : List.of();
        List<String> types = version >= 5 && data.typesFilter() != null ? data.typesFilter() : List.of();
        GroupCoordinator.ListResult result = coordinator.listGroups(states, types);
        List<ListGroupsResponseData.ListedGroup> groups = authz.allowsCluster(context, AclOperation.DESCRIBE)
                ? result.groups()
                : authz.filter(context, AclOperation.DESCRIBE, ResourceType.GROUP, result.groups(),
                ListGroupsResponseData.ListedGroup::groupId);
        return new ListGroupsResponseData().setErrorCode(result.error().code()).setGroups(new ArrayList<>(groups));
    }

    private DescribeGroupsResponseData describeGroups(RequestContext context, DescribeGroupsRequestData data,
                                                      short version) {
        DescribeGroupsResponseData out = new DescribeGroupsResponseData();
        for (String groupId : data.groups()) {
            if (!authz.authorize(context, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
                out.groups().add(new DescribeGroupsResponseData.DescribedGroup().setGroupId(groupId)
                        .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
                continue;
            }
            int operations = version >= 3 && data.includeAuthorizedOperations()
                    ? authz.authorizedOperations(context, ResourceType.GROUP, groupId) : Integer.MIN_VALUE;
            DescribeGroupsResponseData.DescribedGroup described = coordinator.describeGroup(groupId, version, operations);
            if (version < 6) {
                described.setErrorMessage(null);
            }
            out.groups().add(described);
        }
        return out;
    }

    /** Answered once the tombstones are replicated. */
    private CompletableFuture<ApiMessage> deleteOffsets(RequestContext context, OffsetDeleteRequestData data) {
        if (!authz.authorize(context, AclOperation.DELETE, ResourceType.GROUP, data.groupId())) {
            return CompletableFuture.completedFuture(
                    new OffsetDeleteResponseData().setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
        }
        MetadataImage image = quorum.image();
        List<TopicPartition> known = new ArrayList<>();
        java.util.Set<String> unreadable = new java.util.HashSet<>();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic topic : data.topics()) {
            if (!authz.authorize(context, AclOperation.READ, ResourceType.TOPIC, topic.name())) {
                unreadable.add(topic.name());
            } else if (image.topic(topic.name()).isPresent()) {
                topic.partitions().forEach(p -> known.add(new TopicPartition(topic.name(), p.partitionIndex())));
            }
        }
        return coordinator.deleteOffsets(data.groupId(), known).thenApply(result ->
                deleteOffsetsResponse(data, unreadable, result));
    }

    private static ApiMessage deleteOffsetsResponse(OffsetDeleteRequestData data, java.util.Set<String> unreadable,
                                                    GroupCoordinator.DeleteOffsetsResult result) {
        OffsetDeleteResponseData out = new OffsetDeleteResponseData().setErrorCode(result.error().code());
        if (result.error() != Errors.NONE) {
            return out;
        }
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic topic : data.topics()) {
            OffsetDeleteResponseTopic t = new OffsetDeleteResponseTopic().setName(topic.name());
            for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : topic.partitions()) {
                Errors error = unreadable.contains(topic.name()) ? Errors.TOPIC_AUTHORIZATION_FAILED
                        : result.partitions().getOrDefault(new TopicPartition(topic.name(), p.partitionIndex()),
                        Errors.UNKNOWN_TOPIC_OR_PARTITION);
                t.partitions().add(new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
            out.topics().add(t);
        }
        return out;
    }
}
