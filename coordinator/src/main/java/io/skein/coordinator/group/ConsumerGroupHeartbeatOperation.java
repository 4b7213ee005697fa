package io.skein.coordinator.group;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConsumerGroupHeartbeat (KIP-848): joins, heartbeats and leaves of consumer-protocol members,
 * server-side assignment, and the incremental reconciliation of each member towards its target:
 * a member first gives up what the target takes away (keeping its epoch until it has), then moves
 * to the new epoch and receives new partitions as soon as their previous holders released them.
 *
 * <p>Threading: {@link #heartbeat} is called with the shard's lock held; timer tasks re-take it.
 */
final class ConsumerGroupHeartbeatOperation {

    private static final Logger log = LoggerFactory.getLogger(ConsumerGroupHeartbeatOperation.class);
    static final int LEAVE_EPOCH = -1;
    static final int STATIC_LEAVE_EPOCH = -2;

    private final GroupConfig config;
    private final Clock clock;
    private final GroupTimers timers;
    private final TopicsView topics;

    ConsumerGroupHeartbeatOperation(GroupConfig config, Clock clock, GroupTimers timers, TopicsView topics) {
        this.config = config;
        this.clock = clock;
        this.timers = timers;
        this.topics = topics;
    }

    ConsumerGroupHeartbeatResponseData heartbeat(GroupShard shard, ClientInfo client,
                                                 ConsumerGroupHeartbeatRequestData request) {
        String invalid = validate(client.apiVersion(), request);
        if (invalid != null) {
            return error(Errors.INVALID_REQUEST, invalid);
        }
        if (request.serverAssignor() != null && !ServerAssignors.isKnown(request.serverAssignor())) {
            return error(Errors.UNSUPPORTED_ASSIGNOR, "Assignor " + request.serverAssignor()
                    + " is not supported. Supported assignors: " + ServerAssignors.NAMES + ".");
        }
        int epoch = request.memberEpoch();
        ConsumerGroup group = shard.consumerGroup(request.groupId());
        if (group == null) {
            if (epoch != 0) {
                return epoch < 0 ? left(request.memberId(), epoch)
                        : error(Errors.UNKNOWN_MEMBER_ID, "Member " + request.memberId() + " is not in group "
                        + request.groupId() + ".");
            }
            ClassicGroup classic = shard.group(request.groupId());
            if (classic != null && (!classic.isEmpty() || classic.pendingCount() > 0)) {
                return error(Errors.GROUP_ID_NOT_FOUND, "Group " + request.groupId() + " is not a consumer group.");
            }
            group = new ConsumerGroup(request.groupId(), classic == null ? 0 : classic.generationId(), now());
            shard.groups().remove(request.groupId());
            shard.consumerGroups().put(group.groupId(), group);
        }
        if (epoch < 0) {
            return leave(shard, group, request, epoch);
        }
        ConsumerMember member;
        boolean changed;
        if (epoch == 0) {
            JoinOutcome joined = join(shard, group, client, request);
            if (joined.error() != null) {
                return joined.error();
            }
            member = joined.member();
            changed = joined.groupChanged();
        } else {
            member = group.member(request.memberId());
            if (member == null) {
                return error(Errors.UNKNOWN_MEMBER_ID, "Member " + request.memberId() + " is not in group "
                        + group.groupId() + ".");
            }
            if (epoch != member.memberEpoch() && !(epoch == member.previousMemberEpoch()
                    && owns(request.topicPartitions(), member.assigned()))) {
                return error(Errors.FENCED_MEMBER_EPOCH, "The member epoch " + epoch + " of " + member.memberId()
                        + " is fenced; the current epoch is " + member.memberEpoch() + ".");
            }
            changed = false;
        }
        member.client(client.clientId(), client.clientHost(), request.rackId());
        if (request.rebalanceTimeoutMs() > 0) {
            member.rebalanceTimeoutMs(request.rebalanceTimeoutMs());
        }
        if (request.subscribedTopicNames() != null
                && !new TreeSet<>(request.subscribedTopicNames()).equals(new TreeSet<>(member.subscribedTopics()))) {
            member.subscribedTopics(request.subscribedTopicNames());
            changed = true;
        }
        if (request.serverAssignor() != null && !request.serverAssignor().equals(member.serverAssignor())) {
            member.serverAssignor(request.serverAssignor());
            changed = true;
        }
        if (changed || metadataChanged(group)) {
            group.bumpGroupEpoch(now());
        }
        if (group.assignmentEpoch() < group.groupEpoch()) {
            computeTarget(group);
        }
        Assignment before = member.assigned();
        if (!reconcile(shard, group, member, request.topicPartitions())) {
            return error(Errors.FENCED_MEMBER_EPOCH, "Member " + member.memberId()
                    + " did not revoke its partitions within the rebalance timeout.");
        }
        touch(shard, group, member);
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setErrorCode(Errors.NONE.code())
                .setMemberId(member.memberId())
                .setMemberEpoch(member.memberEpoch())
                .setHeartbeatIntervalMs(config.consumerHeartbeatIntervalMs());
        if (epoch == 0 || request.topicPartitions() != null || !before.equals(member.assigned())) {
            response.setAssignment(toWire(member.assigned()));
        }
        return response;
    }

    private static String validate(short version, ConsumerGroupHeartbeatRequestData request) {
        int epoch = request.memberEpoch();
        boolean noMemberId = request.memberId() == null || request.memberId().isEmpty();
        if (noMemberId && (version >= 1 || epoch != 0)) {
            return "MemberId can't be empty.";
        }
        if (epoch < STATIC_LEAVE_EPOCH) {
            return "MemberEpoch is invalid.";
        }
        if (epoch == STATIC_LEAVE_EPOCH && request.instanceId() == null) {
            return "InstanceId can't be null when MemberEpoch is -2.";
        }
        if (request.subscribedTopicRegex() != null) {
            return "SubscribedTopicRegex is not supported by this broker yet; subscribe to topic names.";
        }
        if (epoch == 0) {
            if (request.rebalanceTimeoutMs() == -1) {
                return "RebalanceTimeoutMs must be provided in first request.";
            }
            if (request.subscribedTopicNames() == null) {
                return "SubscribedTopicNames must be set in first request.";
            }
            if (request.topicPartitions() == null || !request.topicPartitions().isEmpty()) {
                return "TopicPartitions must be empty when (re-)joining.";
            }
        }
        return null;
    }

    private record JoinOutcome(ConsumerMember member, boolean groupChanged, ConsumerGroupHeartbeatResponseData error) {
    }

    private JoinOutcome join(GroupShard shard, ConsumerGroup group, ClientInfo client,
                             ConsumerGroupHeartbeatRequestData request) {
        String memberId = client.apiVersion() >= 1 ? request.memberId()
                : (request.memberId() == null || request.memberId().isEmpty() ? Uuid.randomUuid().toString()
                : request.memberId());
        ConsumerMember previousIncarnation = null;
        if (request.instanceId() != null) {
            String holder = group.staticMemberId(request.instanceId());
            if (holder != null && !holder.equals(memberId)) {
                ConsumerMember existing = group.member(holder);
                if (existing != null && existing.memberEpoch() != STATIC_LEAVE_EPOCH) {
                    return new JoinOutcome(null, false, error(Errors.UNRELEASED_INSTANCE_ID, "Static member "
                            + request.instanceId() + " is still in use by member " + holder + "."));
                }
                previousIncarnation = existing;
            }
        }
        ConsumerMember rejoining = group.member(memberId);
        boolean changed = true;
        ConsumerMember member = new ConsumerMember(memberId, request.instanceId());
        if (previousIncarnation != null) {
            // the static member comes back: it takes over its previous assignment and epoch
            Assignment held = previousIncarnation.assigned();
            Assignment target = group.targetOf(previousIncarnation.memberId());
            member.subscribedTopics(previousIncarnation.subscribedTopics());
            member.serverAssignor(previousIncarnation.serverAssignor());
            member.memberEpoch(previousIncarnation.previousMemberEpoch());
            group.remove(previousIncarnation);
            group.add(member);
            group.hold(member, held, Assignment.EMPTY);
            group.setTarget(memberId, target);
            changed = false;
            log.info("Static member {} of consumer group {} rejoined as {} (was {})", request.instanceId(),
                    group.groupId(), memberId, previousIncarnation.memberId());
        } else {
            if (rejoining != null) {
                group.remove(rejoining);
            } else if (group.size() >= config.consumerMaxSize()) {
                return new JoinOutcome(null, false, error(Errors.GROUP_MAX_SIZE_REACHED, "The consumer group has reached its maximum capacity of " + config.consumerMaxSize() + " members."));
            }
            group.add(member);
            log.info("Member {} joined consumer group {} (client {})", memberId, group.groupId(), client.clientId());
        }
        member.rebalanceTimeoutMs(request.rebalanceTimeoutMs());
        return new JoinOutcome(member, changed, null);
    }

    private ConsumerGroupHeartbeatResponseData leave(GroupShard shard, ConsumerGroup group,
                                                     ConsumerGroupHeartbeatRequestData request, int epoch) {
        ConsumerMember member = group.member(request.memberId());
        if (member == null) {
            return error(Errors.UNKNOWN_MEMBER_ID, "Member " + request.memberId() + " is not in group "
                    + group.groupId() + ".");
        }
        if (epoch == STATIC_LEAVE_EPOCH) {
            // a static member leaving for a restart keeps its partitions until its session expires
            member.memberEpoch(STATIC_LEAVE_EPOCH);
            log.info("Static member {} ({}) of consumer group {} left temporarily", member.instanceId(),
                    member.memberId(), group.groupId());
        } else {
            log.info("Member {} left consumer group {}", member.memberId(), group.groupId());
            removeMember(group, member);
        }
        return left(member.memberId(), epoch);
    }

    private static ConsumerGroupHeartbeatResponseData left(String memberId, int epoch) {
        return new ConsumerGroupHeartbeatResponseData().setErrorCode(Errors.NONE.code()).setMemberId(memberId)
                .setMemberEpoch(epoch).setHeartbeatIntervalMs(0);
    }

    /** Removes the member, releasing its partitions, and computes the next target for the rest. */
    void removeMember(ConsumerGroup group, ConsumerMember member) {
        group.remove(member);
        group.bumpGroupEpoch(now());
        computeTarget(group);
    }

    private boolean metadataChanged(ConsumerGroup group) {
        Map<String, Integer> sizes = currentSizes(group);
        return !sizes.equals(group.assignedTopicSizes());
    }

    private Map<String, Integer> currentSizes(ConsumerGroup group) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String topic : group.subscribedTopics()) {
            topics.byName(topic).ifPresent(t -> sizes.put(topic, t.partitions()));
        }
        return sizes;
    }

    private void computeTarget(ConsumerGroup group) {
        Map<String, Integer> votes = new HashMap<>();
        for (ConsumerMember m : group.members()) {
            if (m.serverAssignor() != null) {
                votes.merge(m.serverAssignor(), 1, Integer::sum);
            }
        }
        String assignor = votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(ServerAssignors.UNIFORM);
        Map<String, TopicsView.TopicInfo> subscribed = new LinkedHashMap<>();
        for (String topic : group.subscribedTopics()) {
            topics.byName(topic).ifPresent(t -> subscribed.put(topic, t));
        }
        List<ServerAssignors.MemberSpec> specs = new ArrayList<>();
        for (ConsumerMember m : group.members()) {
            specs.add(new ServerAssignors.MemberSpec(m.memberId(), Set.copyOf(m.subscribedTopics()),
                    group.targetOf(m.memberId())));
        }
        Map<String, Integer> sizes = new LinkedHashMap<>();
        subscribed.forEach((name, t) -> sizes.put(name, t.partitions()));
        group.target(ServerAssignors.assign(assignor, specs, subscribed), assignor, sizes);
        log.info("Computed the target assignment of consumer group {} at epoch {} with the {} assignor for {} member(s)",
                group.groupId(), group.assignmentEpoch(), assignor, group.size());
    }

    /**
     * Moves the member one step towards its target. Returns false when it has to be fenced
     * because it kept partitions past its rebalance timeout.
     */
    private boolean reconcile(GroupShard shard, ConsumerGroup group, ConsumerMember member,
                              List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned) {
        if (member.memberEpoch() == STATIC_LEAVE_EPOCH) {
            return true;
        }
        if (member.state() == ConsumerMember.State.UNREVOKED_PARTITIONS) {
            if (owned != null && fromWire(owned).intersect(member.pendingRevocation()).isEmpty()) {
                group.hold(member, member.assigned(), Assignment.EMPTY);
                member.state(ConsumerMember.State.STABLE);
            } else if (now() > member.revocationDeadlineMs()) {
                log.info("Member {} of consumer group {} is fenced: it did not revoke {} within {} ms",
                        member.memberId(), group.groupId(), member.pendingRevocation(), member.rebalanceTimeoutMs());
                removeMember(group, member);
                return false;
            } else {
                return true;
            }
        }
        if (member.memberEpoch() == group.assignmentEpoch() && member.state() == ConsumerMember.State.STABLE) {
            return true;
        }
        Assignment target = group.targetOf(member.memberId());
        Assignment keep = member.assigned().intersect(target);
        Assignment revoke = member.assigned().minus(target);
        if (!revoke.isEmpty()) {
            group.hold(member, keep, revoke);
            member.state(ConsumerMember.State.UNREVOKED_PARTITIONS);
            member.revocationDeadlineMs(now() + Math.max(1, member.rebalanceTimeoutMs()));
            return true;
        }
        Map<Uuid, Set<Integer>> free = new HashMap<>();
        boolean unreleased = false;
        for (Map.Entry<Uuid, Set<Integer>> e : target.minus(member.assigned()).partitions().entrySet()) {
            for (int p : e.getValue()) {
                String holder = group.holderOf(e.getKey(), p);
                if (holder == null || holder.equals(member.memberId())) {
                    free.computeIfAbsent(e.getKey(), t -> new TreeSet<>()).add(p);
                } else {
                    unreleased = true;
                }
            }
        }
        group.hold(member, keep.union(Assignment.of(free)), Assignment.EMPTY);
        member.memberEpoch(group.assignmentEpoch());
        member.state(unreleased ? ConsumerMember.State.UNRELEASED_PARTITIONS : ConsumerMember.State.STABLE);
        return true;
    }

    private static boolean owns(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned, Assignment assigned) {
        return owned == null || fromWire(owned).minus(assigned).isEmpty();
    }

    private static Assignment fromWire(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        for (ConsumerGroupHeartbeatRequestData.TopicPartitions tp : owned) {
            out.computeIfAbsent(tp.topicId(), t -> new TreeSet<>()).addAll(tp.partitions());
        }
        return Assignment.of(out);
    }

    private static ConsumerGroupHeartbeatResponseData.Assignment toWire(Assignment assignment) {
        ConsumerGroupHeartbeatResponseData.Assignment out = new ConsumerGroupHeartbeatResponseData.Assignment();
        assignment.partitions().forEach((topic, ps) -> out.topicPartitions().add(
                new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(topic)
                        .setPartitions(new ArrayList<>(ps))));
        return out;
    }

    /** Renews the member's session and makes sure its expiry (and revocation deadline) is checked. */
    private void touch(GroupShard shard, ConsumerGroup group, ConsumerMember member) {
        member.sessionDeadlineMs(now() + config.consumerSessionTimeoutMs());
        if (!member.expiryScheduled()) {
            scheduleExpiry(shard, group, member, config.consumerSessionTimeoutMs());
        }
    }

    private void scheduleExpiry(GroupShard shard, ConsumerGroup group, ConsumerMember member, long delayMs) {
        member.expiryScheduled(true);
        timers.schedule(shard, delayMs, () -> {
            member.expiryScheduled(false);
            if (shard.consumerGroup(group.groupId()) != group || group.member(member.memberId()) != member) {
                return;
            }
            long now = now();
            boolean revocationOverdue = member.state() == ConsumerMember.State.UNREVOKED_PARTITIONS
                    && now > member.revocationDeadlineMs();
            if (now >= member.sessionDeadlineMs() || revocationOverdue) {
                log.info("Member {} of consumer group {} is removed: {}", member.memberId(), group.groupId(),
                        revocationOverdue ? "it did not revoke its partitions within the rebalance timeout"
                                : "its session timed out after " + config.consumerSessionTimeoutMs() + " ms");
                removeMember(group, member);
            } else {
                long next = member.sessionDeadlineMs() - now;
                if (member.state() == ConsumerMember.State.UNREVOKED_PARTITIONS) {
                    next = Math.min(next, member.revocationDeadlineMs() - now + 1);
                }
                scheduleExpiry(shard, group, member, Math.max(1, next));
            }
        });
    }

    private long now() {
        return clock.millis();
    }

    private static ConsumerGroupHeartbeatResponseData error(Errors error, String message) {
        return new ConsumerGroupHeartbeatResponseData().setErrorCode(error.code()).setErrorMessage(message)
                .setMemberEpoch(-1).setHeartbeatIntervalMs(0);
    }
}
