package io.skein.coordinator.group;

import io.skein.coordinator.records.CoordinatorLog;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JoinGroup for classic groups, with Kafka's rules: new dynamic members first get an id
 * (MEMBER_ID_REQUIRED, KIP-394), static members ({@code group.instance.id}) replace their previous
 * incarnation and, when nothing changed, get their old assignment back without a rebalance, and
 * a join that changes the group starts a rebalance whose answer is parked until it completes.
 *
 * <p>Threading: {@link #join} is called with the shard's lock held.
 */
final class JoinGroupOperation {

    private static final Logger log = LoggerFactory.getLogger(JoinGroupOperation.class);

    private final Rebalancer rebalancer;
    private final GroupConfig config;

    JoinGroupOperation(Rebalancer rebalancer) {
        this.rebalancer = rebalancer;
        this.config = rebalancer.config();
    }

    CompletableFuture<JoinGroupResponseData> join(GroupShard shard, ClientInfo client, JoinGroupRequestData request) {
        short version = client.apiVersion();
        String memberId = request.memberId() == null ? "" : request.memberId();
        int sessionTimeout = request.sessionTimeoutMs();
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return failed(Errors.INVALID_GROUP_ID, memberId, version);
        }
        if (sessionTimeout < config.minSessionTimeoutMs() || sessionTimeout > config.maxSessionTimeoutMs()) {
            return failed(Errors.INVALID_SESSION_TIMEOUT, memberId, version);
        }
        List<GroupMember.Protocol> protocols = new ArrayList<>();
        for (JoinGroupRequestData.JoinGroupRequestProtocol p : request.protocols()) {
            protocols.add(new GroupMember.Protocol(p.name(), p.metadata() == null ? GroupMember.NO_BYTES : p.metadata()));
        }
        if (request.protocolType() == null || request.protocolType().isEmpty() || protocols.isEmpty()) {
            return failed(Errors.INCONSISTENT_GROUP_PROTOCOL, memberId, version);
        }
        ConsumerGroup consumerGroup = shard.consumerGroup(request.groupId());
        if (consumerGroup != null) {
            if (!consumerGroup.isEmpty()) {
                // classic members cannot join a running consumer-protocol group (no online migration)
                return failed(Errors.INCONSISTENT_GROUP_PROTOCOL, memberId, version);
            }
            shard.consumerGroups().remove(request.groupId());
        }
        ClassicGroup group = shard.group(request.groupId());
        if (group == null) {
            if (!memberId.isEmpty()) {
                return failed(Errors.UNKNOWN_MEMBER_ID, memberId, version);
            }
            group = new ClassicGroup(request.groupId(), rebalancer.now());
            shard.groups().put(group.groupId(), group);
        }
        if (!group.supports(request.protocolType(), protocols)) {
            return failed(Errors.INCONSISTENT_GROUP_PROTOCOL, memberId, version);
        }
        // rebalance timeouts exist from v1; v0 clients wait for the session timeout
        int rebalanceTimeout = version >= 1 ? request.rebalanceTimeoutMs() : sessionTimeout;
        Join join = new Join(client, request, protocols, rebalanceTimeout, new CompletableFuture<>());
        if (memberId.isEmpty()) {
            joinNewMember(shard, group, join);
        } else {
            joinKnownMember(shard, group, memberId, join);
        }
        return join.response();
    }

    private record Join(ClientInfo client, JoinGroupRequestData request, List<GroupMember.Protocol> protocols,
                        int rebalanceTimeoutMs, CompletableFuture<JoinGroupResponseData> response) {
        String instanceId() {
            return request.groupInstanceId();
        }

        short version() {
            return client.apiVersion();
        }
    }

    private void joinNewMember(GroupShard shard, ClassicGroup group, Join join) {
        String instanceId = join.instanceId();
        if (instanceId != null && group.staticMemberId(instanceId) != null) {
            replaceStaticMember(shard, group, group.member(group.staticMemberId(instanceId)), join);
            return;
        }
        if (group.size() + group.pendingCount() >= config.maxSize()) {
            join.response().complete(error(Errors.GROUP_MAX_SIZE_REACHED, "", join.version()));
            return;
        }
        String newId = (instanceId != null ? instanceId : join.client().clientId()) + "-" + UUID.randomUUID();
        if (instanceId == null && join.version() >= 4) {
            group.addPending(newId, rebalancer.now() + join.request().sessionTimeoutMs());
            rebalancer.schedulePendingExpiry(shard, group, newId, join.request().sessionTimeoutMs());
            join.response().complete(error(Errors.MEMBER_ID_REQUIRED, newId, join.version()));
            return;
        }
        addMemberAndRebalance(shard, group, newId, join);
    }

    private void joinKnownMember(GroupShard shard, ClassicGroup group, String memberId, Join join) {
        if (group.isPending(memberId)) {
            group.removePending(memberId);
            addMemberAndRebalance(shard, group, memberId, join);
            return;
        }
        Errors fencing = MemberValidation.check(group, memberId, join.instanceId());
        if (fencing != Errors.NONE) {
            join.response().complete(error(fencing, memberId, join.version()));
            return;
        }
        GroupMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(shard, group, member, join, "member rejoined");
            case COMPLETING_REBALANCE -> {
                if (member.sameProtocols(join.protocols())) {
                    // a retry of a join whose answer was lost: answer with the current generation
                    rebalancer.touch(shard, group, member);
                    join.response().complete(rebalancer.joinResponse(group, member, join.version(), false));
                } else {
                    updateMemberAndRebalance(shard, group, member, join,
                            "member " + memberId + " changed its protocols while the group completed a rebalance");
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.sameProtocols(join.protocols())) {
                    updateMemberAndRebalance(shard, group, member, join, (group.isLeader(memberId) ? "leader " : "member ")
                            + memberId + " rejoined" + (member.sameProtocols(join.protocols()) ? "" : " with new protocols"));
                } else {
                    rebalancer.touch(shard, group, member);
                    join.response().complete(rebalancer.joinResponse(group, member, join.version(), false));
                }
            }
            default -> join.response().complete(error(Errors.UNKNOWN_MEMBER_ID, memberId, join.version()));
        }
    }

    private void addMemberAndRebalance(GroupShard shard, ClassicGroup group, String memberId, Join join) {
        if (group.isEmpty()) {
            group.protocolType(join.request().protocolType());
        }
        GroupMember member = new GroupMember(memberId, join.instanceId(), join.client().clientId(),
                join.client().clientHost(), join.rebalanceTimeoutMs(), join.request().sessionTimeoutMs(),
                join.protocols());
        member.awaitingJoin(new GroupMember.PendingJoin(join.response(), join.version()));
        group.add(member);
        rebalancer.touch(shard, group, member);
        String reason = "adding new member " + memberId + (join.instanceId() == null ? ""
                : " with group instance id " + join.instanceId()) + reasonSuffix(join);
        if (group.isIn(GroupState.PREPARING_REBALANCE)) {
            rebalancer.extendInitialDelay(shard, group);
            rebalancer.maybeCompleteJoin(shard, group);
        } else {
            rebalancer.prepareRebalance(shard, group, reason);
        }
    }

    private void updateMemberAndRebalance(GroupShard shard, ClassicGroup group, GroupMember member, Join join,
                                          String reason) {
        if (member.awaitingJoin() != null) {
            // an earlier join of the same member is superseded by this one
            member.awaitingJoin().response().complete(error(Errors.UNKNOWN_MEMBER_ID, member.memberId(),
                    member.awaitingJoin().version()));
        }
        member.update(join.rebalanceTimeoutMs(), join.request().sessionTimeoutMs(), join.protocols());
        member.awaitingJoin(new GroupMember.PendingJoin(join.response(), join.version()));
        rebalancer.touch(shard, group, member);
        if (group.isIn(GroupState.PREPARING_REBALANCE)) {
            rebalancer.maybeCompleteJoin(shard, group);
        } else {
            rebalancer.prepareRebalance(shard, group, reason + reasonSuffix(join));
        }
    }

    /**
     * A static member came back under a new member id: the old id is fenced, the new one takes its
     * place and assignment. When the group is stable and would still choose the same protocol, it
     * is answered at once with the current generation (the leader is told to skip assignment),
     * so the group does not rebalance.
     */
    private void replaceStaticMember(GroupShard shard, ClassicGroup group, GroupMember old, Join join) {
        String newId = join.instanceId() + "-" + UUID.randomUUID();
        GroupShard.failParked(List.of(old), Errors.FENCED_INSTANCE_ID);
        GroupMember replacement = new GroupMember(newId, join.instanceId(), join.client().clientId(),
                join.client().clientHost(), join.rebalanceTimeoutMs(), join.request().sessionTimeoutMs(),
                join.protocols());
        group.replaceStaticMember(old, replacement);
        // as Kafka does: no rebalance when the protocol the group would choose stays the same
        boolean unchanged = java.util.Objects.equals(group.selectProtocol(), group.protocolName());
        rebalancer.touch(shard, group, replacement);
        log.info("Static member {} of group {} rejoined as {} (was {})", join.instanceId(), group.groupId(), newId,
                old.memberId());
        if (group.isIn(GroupState.STABLE) && unchanged) {
            CoordinatorLog.Written write = shard.writeGroup(group, rebalancer.now());
            Errors written = GroupLog.asGroupError(write.appendError());
            if (written != Errors.NONE) {
                join.response().complete(error(written, "", join.version()));
                return;
            }
            JoinGroupResponseData answer = rebalancer.joinResponse(group, replacement, join.version(),
                    group.isLeader(newId));
            write.committed().thenAccept(outcome -> {
                Errors error = GroupLog.asGroupError(outcome);
                join.response().complete(error == Errors.NONE ? answer : error(error, "", join.version()));
            });
            return;
        }
        replacement.awaitingJoin(new GroupMember.PendingJoin(join.response(), join.version()));
        if (group.isIn(GroupState.PREPARING_REBALANCE)) {
            rebalancer.maybeCompleteJoin(shard, group);
        } else {
            rebalancer.prepareRebalance(shard, group, "static member " + join.instanceId() + " rejoined"
                    + (unchanged ? "" : " with new protocols") + reasonSuffix(join));
        }
    }

    private static String reasonSuffix(Join join) {
        String reason = join.version() >= 8 ? join.request().reason() : null;
        return reason == null || reason.isEmpty() ? "" : "; client reason: " + reason;
    }

    static JoinGroupResponseData error(Errors error, String memberId, short version) {
        return new JoinGroupResponseData()
                .setErrorCode(error.code())
                .setGenerationId(-1)
                .setProtocolName(version >= 7 ? null : "")
                .setLeader("")
                .setMemberId(memberId);
    }

    private static CompletableFuture<JoinGroupResponseData> failed(Errors error, String memberId, short version) {
        return CompletableFuture.completedFuture(error(error, memberId, version));
    }
}
