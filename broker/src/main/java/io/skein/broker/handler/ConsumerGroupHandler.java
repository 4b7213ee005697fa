package io.skein.broker.handler;

import io.skein.coordinator.group.GroupCoordinator;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;

/**
 * The consumer group protocol (KIP-848): ConsumerGroupHeartbeat and ConsumerGroupDescribe, handed
 * to the group coordinator, which assigns partitions on the server.
 */
public final class ConsumerGroupHandler implements RequestHandler {

    private final GroupCoordinator coordinator;

    public ConsumerGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        if (request instanceof ConsumerGroupHeartbeatRequest heartbeat) {
            return CompletableFuture.completedFuture(coordinator.consumerGroupHeartbeat(
                    GroupMembershipHandler.clientOf(context), heartbeat.data()));
        }
        ConsumerGroupDescribeRequestData data = ((ConsumerGroupDescribeRequest) request).data();
        int operations = data.includeAuthorizedOperations() ? AuthorizedOperations.GROUP : Integer.MIN_VALUE;
        ConsumerGroupDescribeResponseData response = new ConsumerGroupDescribeResponseData();
        for (String groupId : data.groupIds()) {
            response.groups().add(coordinator.describeConsumerGroup(groupId, operations));
        }
        return CompletableFuture.completedFuture(response);
    }
}
