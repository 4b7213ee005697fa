package io.skein.coordinator.group;

import io.skein.coordinator.records.CoordinatorLog;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SyncGroup, Heartbeat and LeaveGroup for classic groups.
 *
 * <p>SyncGroup in the completing phase parks every member until the leader sends the assignment;
 * the leader's sync persists the group (generation, members, assignments) and then answers them
 * all. Threading: every method is called with the shard's lock held.
 */
final class MembershipOperations {

    private static final Logger log = LoggerFactory.getLogger(MembershipOperations.class);

    private final Rebalancer rebalancer;

    MembershipOperations(Rebalancer rebalancer) {
        this.rebalancer = rebalancer;
    }

    CompletableFuture<SyncGroupResponseData> sync(GroupShard shard, ClientInfo client, SyncGroupRequestData request) {
        ClassicGroup group = shard.group(request.groupId());
        if (group == null) {
            return failedSync(Errors.UNKNOWN_MEMBER_ID);
        }
        Errors fencing = MemberValidation.check(group, request.memberId(), request.groupInstanceId());
        if (fencing != Errors.NONE) {
            return failedSync(fencing);
        }
        if (request.generationId() != group.generationId()) {
            return failedSync(Errors.ILLEGAL_GENERATION);
        }
        if ((request.protocolType() != null && !request.protocolType().equals(group.protocolType()))
                || (request.protocolName() != null && !request.protocolName().equals(group.protocolName()))) {
            return failedSync(Errors.INCONSISTENT_GROUP_PROTOCOL);
        }
        GroupMember member = group.member(request.memberId());
        switch (group.state()) {
            case PREPARING_REBALANCE:
                return failedSync(Errors.REBALANCE_IN_PROGRESS);
            case STABLE:
                rebalancer.touch(shard, group, member);
                return CompletableFuture.completedFuture(syncAnswer(group, member, client.apiVersion()));
            case COMPLETING_REBALANCE:
                break;
            default:
                return failedSync(Errors.UNKNOWN_MEMBER_ID);
        }
        CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
        if (member.awaitingSync() != null) {
            member.awaitingSync().complete(new SyncGroupResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
        }
        member.awaitingSync(response);
        rebalancer.touch(shard, group, member);
        if (group.isLeader(member.memberId())) {
            applyAssignment(shard, group, request, client.apiVersion());
        }
        return response;
    }

    private void applyAssignment(GroupShard shard, ClassicGroup group, SyncGroupRequestData request, short version) {
        Map<String, byte[]> assignments = new HashMap<>();
        for (SyncGroupRequestData.SyncGroupRequestAssignment a : request.assignments()) {
            assignments.put(a.memberId(), a.assignment());
        }
        for (GroupMember m : group.members()) {
            m.assignment(assignments.get(m.memberId()));
        }
        CoordinatorLog.Written write = shard.writeGroup(group, rebalancer.now());
        Errors written = GroupLog.asGroupError(write.appendError());
        if (written != Errors.NONE) {
            for (GroupMember m : group.members()) {
                m.assignment(null);
                if (m.awaitingSync() != null) {
                    m.awaitingSync().complete(new SyncGroupResponseData().setErrorCode(written.code()));
                    m.awaitingSync(null);
                }
            }
            rebalancer.prepareRebalance(shard, group, "the group's assignment could not be stored: " + written);
            return;
        }
        group.transitionTo(GroupState.STABLE, rebalancer.now());
        // the members parked in SyncGroup get their assignment once it is replicated
        Map<CompletableFuture<SyncGroupResponseData>, SyncGroupResponseData> answers = new LinkedHashMap<>();
        for (GroupMember m : group.members()) {
            if (m.awaitingSync() != null) {
                answers.put(m.awaitingSync(), syncAnswer(group, m, version));
                m.awaitingSync(null);
            }
        }
        String groupId = group.groupId();
        write.committed().thenAccept(outcome -> {
            Errors error = GroupLog.asGroupError(outcome);
            if (error != Errors.NONE) {
                log.warn("The assignment of group {} was not replicated in {}: {} (its members are told to retry)",
                        groupId, shard.log().name(), outcome);
            }
            answers.forEach((parked, answer) -> parked.complete(error == Errors.NONE ? answer
                    : new SyncGroupResponseData().setErrorCode(error.code())));
        });
    }

    private static SyncGroupResponseData syncAnswer(ClassicGroup group, GroupMember member, short version) {
        return new SyncGroupResponseData()
                .setErrorCode(Errors.NONE.code())
                .setProtocolType(version >= 5 ? group.protocolType() : null)
                .setProtocolName(version >= 5 ? group.protocolName() : null)
                .setAssignment(member.assignment());
    }

    private static CompletableFuture<SyncGroupResponseData> failedSync(Errors error) {
        return CompletableFuture.completedFuture(new SyncGroupResponseData().setErrorCode(error.code()));
    }

    Errors heartbeat(GroupShard shard, HeartbeatRequestData request) {
        ClassicGroup group = shard.group(request.groupId());
        if (group == null || group.isIn(GroupState.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        Errors fencing = MemberValidation.check(group, request.memberId(), request.groupInstanceId());
        if (fencing != Errors.NONE) {
            return fencing;
        }
        if (request.generationId() != group.generationId()) {
            return Errors.ILLEGAL_GENERATION;
        }
        rebalancer.touch(shard, group, group.member(request.memberId()));
        return group.isIn(GroupState.PREPARING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    /**
     * Removes each listed member (by member id, or by group instance id alone for an admin's
     * removal of a static member). Version 0-2 requests name one member and get a top-level error.
     */
    LeaveGroupResponseData leave(GroupShard shard, ClientInfo client, LeaveGroupRequestData request) {
        LeaveGroupResponseData response = new LeaveGroupResponseData();
        ClassicGroup group = shard.group(request.groupId());
        if (client.apiVersion() < 3) {
            Errors error = group == null ? Errors.UNKNOWN_MEMBER_ID
                    : leaveOne(shard, group, request.memberId(), null, null);
            return response.setErrorCode(error.code());
        }
        for (LeaveGroupRequestData.MemberIdentity identity : request.members()) {
            Errors error = group == null ? Errors.UNKNOWN_MEMBER_ID
                    : leaveOne(shard, group, identity.memberId(), identity.groupInstanceId(), identity.reason());
            response.members().add(new LeaveGroupResponseData.MemberResponse()
                    .setMemberId(identity.memberId())
                    .setGroupInstanceId(identity.groupInstanceId())
                    .setErrorCode(error.code()));
        }
        return response;
    }

    private Errors leaveOne(GroupShard shard, ClassicGroup group, String memberId, String instanceId, String reason) {
        String id = memberId == null ? "" : memberId;
        if (id.isEmpty() && instanceId != null) {
            id = group.staticMemberId(instanceId);
            if (id == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
        } else if (group.removePending(id)) {
            rebalancer.maybeCompleteJoin(shard, group);
            return Errors.NONE;
        }
        Errors fencing = MemberValidation.check(group, id, instanceId);
        if (fencing != Errors.NONE) {
            return fencing;
        }
        log.info("Member {} of group {} is leaving{}", id, group.groupId(),
                reason == null || reason.isEmpty() ? "" : " (client reason: " + reason + ")");
        rebalancer.removeMember(shard, group, group.member(id), "removing member " + id + " on LeaveGroup"
                + (reason == null || reason.isEmpty() ? "" : "; client reason: " + reason));
        return Errors.NONE;
    }
}
