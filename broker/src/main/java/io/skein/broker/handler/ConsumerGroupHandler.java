package io.skein.broker.handler;

import io.skein.coordinator.group.GroupCoordinator;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The consumer group protocol (KIP-848): ConsumerGroupHeartbeat and ConsumerGroupDescribe, handed
 * to the group coordinator, which assigns partitions on the server. With ACLs, as in Kafka: a
 * heartbeat needs READ on the group and DESCRIBE on every subscribed topic, a describe DESCRIBE on
 * each group.
 */
public final class ConsumerGroupHandler implements RequestHandler {

    private final GroupCoordinator coordinator;
    private final Authorization authz;

    public ConsumerGroupHandler(GroupCoordinator coordinator, Authorization authz) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        if (request instanceof ConsumerGroupHeartbeatRequest heartbeat) {
            if (!authz.authorize(context, AclOperation.READ, ResourceType.GROUP, heartbeat.data().groupId())) {
                return CompletableFuture.completedFuture(
                        Authorization.refused(request, Errors.GROUP_AUTHORIZATION_FAILED));
            }
            java.util.List<String> topics = heartbeat.data().subscribedTopicNames();
            if (topics != null && !topics.isEmpty() && authz.filter(context, AclOperation.DESCRIBE, ResourceType.TOPIC,
                    topics, t -> t).size() < topics.size()) {
                return CompletableFuture.completedFuture(new ConsumerGroupHeartbeatResponseData()
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage("The consumer is not authorized to describe every subscribed topic."));
            }
            return CompletableFuture.completedFuture(coordinator.consumerGroupHeartbeat(
                    GroupMembershipHandler.clientOf(context), heartbeat.data()));
        }
        ConsumerGroupDescribeRequestData data = ((ConsumerGroupDescribeRequest) request).data();
        ConsumerGroupDescribeResponseData response = new ConsumerGroupDescribeResponseData();
        for (String groupId : data.groupIds()) {
            if (!authz.authorize(context, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
                response.groups().add(new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                        .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())
                        .setErrorMessage(Errors.GROUP_AUTHORIZATION_FAILED.message()));
                continue;
            }
            int operations = data.includeAuthorizedOperations()
                    ? authz.authorizedOperations(context, ResourceType.GROUP, groupId) : Integer.MIN_VALUE;
            response.groups().add(coordinator.describeConsumerGroup(groupId, operations));
        }
        return CompletableFuture.completedFuture(response);
    }
}
