package io.skein.coordinator.group;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rebalance machinery of classic groups, shared by every group operation: starting a
 * rebalance (with the initial delay for a group that was empty), completing the join phase when
 * every member rejoined or the rebalance timeout ran out, removing members, and session expiry.
 *
 * <p>Threading: every method is called with the shard's lock held; timer tasks re-take it.
 */
final class Rebalancer {

    private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);

    private final GroupConfig config;
    private final Clock clock;
    private final GroupTimers timers;

    Rebalancer(GroupConfig config, Clock clock, GroupTimers timers) {
        this.config = config;
        this.clock = clock;
        this.timers = timers;
    }

    long now() {
        return clock.millis();
    }

    GroupConfig config() {
        return config;
    }

    /**
     * Starts a rebalance: parked SyncGroups are answered REBALANCE_IN_PROGRESS, members must
     * rejoin within the largest rebalance timeout, and a group that was empty first waits
     * {@code group.initial.rebalance.delay.ms} for more members.
     */
    void prepareRebalance(GroupShard shard, ClassicGroup group, String reason) {
        if (group.isIn(GroupState.COMPLETING_REBALANCE)) {
            for (GroupMember m : group.members()) {
                if (m.awaitingSync() != null) {
                    m.awaitingSync().complete(new SyncGroupResponseData()
                            .setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
                    m.awaitingSync(null);
                }
            }
        }
        boolean wasEmpty = group.isIn(GroupState.EMPTY);
        long now = now();
        int rebalanceTimeout = group.maxRebalanceTimeoutMs();
        long joinNotBefore = now;
        long cap = now;
        if (wasEmpty && config.initialRebalanceDelayMs() > 0) {
            joinNotBefore = now + Math.min(config.initialRebalanceDelayMs(), rebalanceTimeout);
            cap = now + rebalanceTimeout;
        }
        GroupState previous = group.state();
        group.transitionTo(GroupState.PREPARING_REBALANCE, now);
        int sequence = group.startRebalance(joinNotBefore, cap, now + rebalanceTimeout);
        log.info("Preparing to rebalance group {} in state {} with old generation {} ({}) (reason: {})",
                group.groupId(), previous.displayName(), group.generationId(), shard.log().name(), reason);
        scheduleJoinCheck(shard, group, sequence, joinNotBefore - now);
        scheduleJoinCheck(shard, group, sequence, rebalanceTimeout);
        maybeCompleteJoin(shard, group);
    }

    /** While the initial delay runs, each new member pushes it out again, up to the rebalance timeout. */
    void extendInitialDelay(GroupShard shard, ClassicGroup group) {
        long now = now();
        if (!group.isIn(GroupState.PREPARING_REBALANCE) || now >= group.joinNotBeforeMs()) {
            return;
        }
        long extended = Math.min(now + config.initialRebalanceDelayMs(), group.initialDelayCapMs());
        if (extended > group.joinNotBeforeMs()) {
            group.joinNotBeforeMs(extended);
            scheduleJoinCheck(shard, group, group.rebalanceSequence(), extended - now);
        }
    }

    private void scheduleJoinCheck(GroupShard shard, ClassicGroup group, int sequence, long delayMs) {
        timers.schedule(shard, delayMs, () -> {
            if (shard.group(group.groupId()) == group && group.rebalanceSequence() == sequence) {
                maybeCompleteJoin(shard, group);
            }
        });
    }

    /** Completes the join phase when the initial delay is over and everyone rejoined, or the rebalance timed out. */
    void maybeCompleteJoin(GroupShard shard, ClassicGroup group) {
        if (!group.isIn(GroupState.PREPARING_REBALANCE)) {
            return;
        }
        long now = now();
        if (now < group.joinNotBeforeMs()) {
            return;
        }
        if (group.allMembersJoined() || now >= group.rebalanceDeadlineMs()) {
            completeJoin(shard, group);
        }
    }

    private void completeJoin(GroupShard shard, ClassicGroup group) {
        long now = now();
        for (GroupMember m : new ArrayList<>(group.members())) {
            if (m.awaitingJoin() == null) {
                log.info("Member {} of group {} is removed: it did not rejoin within the rebalance timeout",
                        m.memberId(), group.groupId());
                group.remove(m.memberId());
            }
        }
        group.nextGeneration(now);
        if (group.isEmpty()) {
            log.info("Group {} with generation {} is now empty ({})", group.groupId(), group.generationId(),
                    shard.log().name());
            shard.writeGroup(group, now);
            return;
        }
        log.info("Stabilized group {} generation {} ({}) with {} member(s), protocol {}", group.groupId(),
                group.generationId(), shard.log().name(), group.size(), group.protocolName());
        for (GroupMember m : group.members()) {
            GroupMember.PendingJoin pending = m.awaitingJoin();
            m.awaitingJoin(null);
            touch(shard, group, m);
            pending.response().complete(joinResponse(group, m, pending.version(), false));
        }
    }

    /** The JoinGroup answer for the group's current generation; the leader gets every member's metadata. */
    JoinGroupResponseData joinResponse(ClassicGroup group, GroupMember member, short version, boolean skipAssignment) {
        JoinGroupResponseData response = new JoinGroupResponseData()
                .setErrorCode(Errors.NONE.code())
                .setGenerationId(group.generationId())
                .setProtocolType(version >= 7 ? group.protocolType() : null)
                .setProtocolName(group.protocolName())
                .setLeader(group.leaderId() == null ? "" : group.leaderId())
                .setMemberId(member.memberId())
                .setSkipAssignment(version >= 9 && skipAssignment);
        if (group.isLeader(member.memberId())) {
            for (GroupMember m : group.members()) {
                response.members().add(new JoinGroupResponseData.JoinGroupResponseMember()
                        .setMemberId(m.memberId())
                        .setGroupInstanceId(m.groupInstanceId())
                        .setMetadata(m.metadataFor(group.protocolName())));
            }
        }
        return response;
    }

    /**
     * Removes a member (it left, was fenced, or its session expired), answering anything it had
     * parked, and moves the group on: a stable group rebalances, a rebalancing one may now complete.
     */
    void removeMember(GroupShard shard, ClassicGroup group, GroupMember member, String reason) {
        GroupShard.failParked(List.of(member), Errors.UNKNOWN_MEMBER_ID);
        group.remove(member.memberId());
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(shard, group, reason);
            case PREPARING_REBALANCE -> maybeCompleteJoin(shard, group);
            default -> { }
        }
    }

    /** Renews the member's session: it expires {@code session.timeout.ms} from now unless heard from again. */
    void touch(GroupShard shard, ClassicGroup group, GroupMember member) {
        member.heartbeatDeadlineMs(now() + member.sessionTimeoutMs());
        if (!member.expiryScheduled()) {
            scheduleExpiry(shard, group, member, member.sessionTimeoutMs());
        }
    }

    private void scheduleExpiry(GroupShard shard, ClassicGroup group, GroupMember member, long delayMs) {
        member.expiryScheduled(true);
        timers.schedule(shard, delayMs, () -> {
            member.expiryScheduled(false);
            if (shard.group(group.groupId()) != group || group.member(member.memberId()) != member) {
                return;
            }
            long now = now();
            if (member.awaitingJoin() != null || member.awaitingSync() != null) {
                member.heartbeatDeadlineMs(now + member.sessionTimeoutMs());
            }
            if (now >= member.heartbeatDeadlineMs()) {
                log.info("Member {} of group {} is removed: its session timed out after {} ms without a heartbeat",
                        member.memberId(), group.groupId(), member.sessionTimeoutMs());
                removeMember(shard, group, member, "removing member " + member.memberId() + " on heartbeat expiration");
            } else {
                scheduleExpiry(shard, group, member, member.heartbeatDeadlineMs() - now);
            }
        });
    }

    /** A member id handed out with MEMBER_ID_REQUIRED is forgotten unless it joins within the session timeout. */
    void schedulePendingExpiry(GroupShard shard, ClassicGroup group, String memberId, long delayMs) {
        timers.schedule(shard, delayMs, () -> {
            if (shard.group(group.groupId()) == group && group.removePending(memberId)) {
                maybeCompleteJoin(shard, group);
            }
        });
    }
}
