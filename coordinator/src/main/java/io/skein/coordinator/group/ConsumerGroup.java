package io.skein.coordinator.group;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The state of one consumer-protocol (KIP-848) group: members, the group epoch (bumped on every
 * membership or subscription change), the target assignment computed for the assignment epoch,
 * and who currently holds each partition so no partition is handed to two members at once.
 *
 * <p>Threading: guarded by the lock of the {@link GroupShard} that owns it. The protocol rules live
 * in {@link ConsumerGroupHeartbeatOperation}.
 */
final class ConsumerGroup {

    /** The states Kafka reports for consumer groups. */
    enum State {
        EMPTY("Empty"), ASSIGNING("Assigning"), RECONCILING("Reconciling"), STABLE("Stable"), DEAD("Dead");

        private final String displayName;

        State(String displayName) {
            this.displayName = displayName;
        }

        String displayName() {
            return displayName;
        }

        boolean matches(String filter) {
            return displayName.toLowerCase(Locale.ROOT).equals(filter.toLowerCase(Locale.ROOT));
        }
    }

    private final String groupId;
    private final Map<String, ConsumerMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Map<String, Assignment> targets = new HashMap<>();
    private final Map<TopicPartition, String> holders = new HashMap<>();
    private Map<String, Integer> assignedTopicSizes = Map.of();
    private int groupEpoch;
    private int assignmentEpoch;
    private String assignorName = "uniform";
    private long stateTimestampMs;
    private boolean dead;

    ConsumerGroup(String groupId, int initialEpoch, long nowMs) {
        this.groupId = groupId;
        this.groupEpoch = initialEpoch;
        this.assignmentEpoch = initialEpoch;
        this.stateTimestampMs = nowMs;
    }

    String groupId() {
        return groupId;
    }

    State state() {
        if (dead) {
            return State.DEAD;
        }
        if (members.isEmpty()) {
            return State.EMPTY;
        }
        if (assignmentEpoch < groupEpoch) {
            return State.ASSIGNING;
        }
        for (ConsumerMember m : members.values()) {
            if (m.memberEpoch() != assignmentEpoch || m.state() != ConsumerMember.State.STABLE) {
                return State.RECONCILING;
            }
        }
        return State.STABLE;
    }

    void markDead() {
        this.dead = true;
    }

    int groupEpoch() {
        return groupEpoch;
    }

    void bumpGroupEpoch(long nowMs) {
        groupEpoch++;
        stateTimestampMs = nowMs;
    }

    int assignmentEpoch() {
        return assignmentEpoch;
    }

    String assignorName() {
        return assignorName;
    }

    long stateTimestampMs() {
        return stateTimestampMs;
    }

    /** Installs the target assignment computed for the current group epoch. */
    void target(Map<String, Assignment> newTargets, String assignor, Map<String, Integer> topicSizes) {
        targets.clear();
        targets.putAll(newTargets);
        assignmentEpoch = groupEpoch;
        assignorName = assignor;
        assignedTopicSizes = Map.copyOf(topicSizes);
    }

    /** Gives one member its target without a new assignment (a static member's new incarnation). */
    void setTarget(String memberId, Assignment target) {
        targets.put(memberId, target);
    }

    Assignment targetOf(String memberId) {
        return targets.getOrDefault(memberId, Assignment.EMPTY);
    }

    /** Topic name → partition count the current target was computed with. */
    Map<String, Integer> assignedTopicSizes() {
        return assignedTopicSizes;
    }

    Collection<ConsumerMember> members() {
        return members.values();
    }

    ConsumerMember member(String memberId) {
        return members.get(memberId);
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    int size() {
        return members.size();
    }

    void add(ConsumerMember member) {
        members.put(member.memberId(), member);
        if (member.instanceId() != null) {
            staticMembers.put(member.instanceId(), member.memberId());
        }
    }

    String staticMemberId(String instanceId) {
        return staticMembers.get(instanceId);
    }

    /** Removes the member and releases every partition it held. */
    void remove(ConsumerMember member) {
        members.remove(member.memberId());
        if (member.instanceId() != null && member.memberId().equals(staticMembers.get(member.instanceId()))) {
            staticMembers.remove(member.instanceId());
        }
        release(member.assigned().union(member.pendingRevocation()), member.memberId());
        targets.remove(member.memberId());
    }

    /** Changes what the member holds (assigned plus pending revocation), keeping the holder map in step. */
    void hold(ConsumerMember member, Assignment assigned, Assignment pendingRevocation) {
        release(member.assigned().union(member.pendingRevocation()), member.memberId());
        member.assigned(assigned);
        member.pendingRevocation(pendingRevocation);
        assigned.union(pendingRevocation).partitions().forEach((topic, ps) -> ps.forEach(p ->
                holders.put(key(topic, p), member.memberId())));
    }

    private void release(Assignment partitions, String memberId) {
        partitions.partitions().forEach((topic, ps) -> ps.forEach(p -> holders.remove(key(topic, p), memberId)));
    }

    /** The member holding the partition, or null. */
    String holderOf(Uuid topic, int partition) {
        return holders.get(key(topic, partition));
    }

    private static TopicPartition key(Uuid topic, int partition) {
        return new TopicPartition(topic.toString(), partition);
    }

    /** Every topic some member subscribes to. */
    Set<String> subscribedTopics() {
        Set<String> topics = new java.util.TreeSet<>();
        members.values().forEach(m -> topics.addAll(m.subscribedTopics()));
        return topics;
    }
}
