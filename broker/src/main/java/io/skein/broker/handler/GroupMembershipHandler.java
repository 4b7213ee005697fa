package io.skein.broker.handler;

import io.skein.coordinator.group.ClientInfo;
import io.skein.coordinator.group.GroupCoordinator;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The classic group membership APIs (JoinGroup, SyncGroup, Heartbeat, LeaveGroup), handed to the
 * group coordinator. JoinGroup and SyncGroup answers may be parked until the rebalance completes.
 * With ACLs each needs READ on the group (GROUP_AUTHORIZATION_FAILED otherwise).
 */
public final class GroupMembershipHandler implements RequestHandler {

    private final GroupCoordinator coordinator;
    private final Authorization authz;

    public GroupMembershipHandler(GroupCoordinator coordinator, Authorization authz) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ClientInfo client = clientOf(context);
        String groupId = request instanceof JoinGroupRequest join ? join.data().groupId()
                : request instanceof SyncGroupRequest sync ? sync.data().groupId()
                : request instanceof HeartbeatRequest heartbeat ? heartbeat.data().groupId()
                : ((LeaveGroupRequest) request).data().groupId();
        if (!authz.authorize(context, AclOperation.READ, ResourceType.GROUP, groupId)) {
            return CompletableFuture.completedFuture(Authorization.refused(request, Errors.GROUP_AUTHORIZATION_FAILED));
        }
        if (request instanceof JoinGroupRequest join) {
            return coordinator.joinGroup(client, join.data()).thenApply(r -> r);
        }
        if (request instanceof SyncGroupRequest sync) {
            return coordinator.syncGroup(client, sync.data()).thenApply(r -> r);
        }
        if (request instanceof HeartbeatRequest heartbeat) {
            return CompletableFuture.completedFuture(new HeartbeatResponseData()
                    .setErrorCode(coordinator.heartbeat(heartbeat.data()).code()));
        }
        LeaveGroupRequest leave = (LeaveGroupRequest) request;
        return CompletableFuture.completedFuture(coordinator.leaveGroup(client, leave.data()));
    }

    /** The client as the group coordinator records it: client id and host as Kafka prints it ({@code /127.0.0.1}). */
    static ClientInfo clientOf(RequestContext context) {
        String host = context.peer() == null ? "" : "/" + context.peer().getAddress().getHostAddress();
        String clientId = context.header().clientId() == null ? "" : context.header().clientId();
        return new ClientInfo(clientId, host, context.apiVersion());
    }
}
