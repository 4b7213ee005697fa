package io.skein.coordinator.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state of one classic group: its members (in join order), static-member ids, members that
 * were handed an id but have not joined yet (KIP-394), the generation, the chosen protocol and the
 * leader, plus the bookkeeping of the rebalance in progress.
 *
 * <p>Threading: guarded by the lock of the {@link GroupShard} that owns it. The protocol rules
 * live in {@link ClassicGroupOperations}; this class only keeps the data consistent.
 */
final class ClassicGroup {

    private final String groupId;
    private final Map<String, GroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Map<String, Long> pendingMembers = new HashMap<>();
    private GroupState state = GroupState.EMPTY;
    private long stateTimestampMs;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private int rebalanceSequence;
    private long joinNotBeforeMs;
    private long initialDelayCapMs;
    private long rebalanceDeadlineMs;

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    /** Rebuilds a group from its persisted metadata; members get fresh session deadlines from {@code nowMs}. */
    static ClassicGroup restore(String groupId, GroupSnapshot snapshot, long nowMs) {
        ClassicGroup group = new ClassicGroup(groupId, snapshot.stateTimestampMs() < 0 ? nowMs : snapshot.stateTimestampMs());
        group.generationId = snapshot.generationId();
        group.protocolType = snapshot.protocolType();
        group.protocolName = snapshot.protocolName();
        for (GroupSnapshot.Member m : snapshot.members()) {
            List<GroupMember.Protocol> protocols = snapshot.protocolName() == null ? List.of()
                    : List.of(new GroupMember.Protocol(snapshot.protocolName(), m.subscription()));
            GroupMember member = new GroupMember(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), protocols);
            member.assignment(m.assignment());
            member.heartbeatDeadlineMs(nowMs + m.sessionTimeoutMs());
            group.add(member);
        }
        group.leaderId = snapshot.leaderId() != null && group.members.containsKey(snapshot.leaderId())
                ? snapshot.leaderId() : null;
        group.state = group.members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE;
        return group;
    }

    GroupSnapshot snapshot() {
        List<GroupSnapshot.Member> out = new ArrayList<>(members.size());
        for (GroupMember m : members.values()) {
            out.add(new GroupSnapshot.Member(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    m.rebalanceTimeoutMs(), m.sessionTimeoutMs(),
                    protocolName == null ? GroupMember.NO_BYTES : m.metadataFor(protocolName), m.assignment()));
        }
        return new GroupSnapshot(protocolType, generationId, protocolName, leaderId, stateTimestampMs, out);
    }

    String groupId() {
        return groupId;
    }

    GroupState state() {
        return state;
    }

    boolean isIn(GroupState s) {
        return state == s;
    }

    void transitionTo(GroupState next, long nowMs) {
        this.state = next;
        this.stateTimestampMs = nowMs;
    }

    long stateTimestampMs() {
        return stateTimestampMs;
    }

    int generationId() {
        return generationId;
    }

    String protocolType() {
        return protocolType;
    }

    String protocolName() {
        return protocolName;
    }

    String leaderId() {
        return leaderId;
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    // ---- members

    GroupMember member(String memberId) {
        return members.get(memberId);
    }

    boolean has(String memberId) {
        return members.containsKey(memberId);
    }

    Collection<GroupMember> members() {
        return members.values();
    }

    int size() {
        return members.size();
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    void add(GroupMember member) {
        members.put(member.memberId(), member);
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
    }

    void protocolType(String type) {
        this.protocolType = type;
    }

    /** Removes the member; when it led the group the next member in join order leads. */
    void remove(String memberId) {
        GroupMember removed = members.remove(memberId);
        if (removed != null && removed.isStatic() && memberId.equals(staticMembers.get(removed.groupInstanceId()))) {
            staticMembers.remove(removed.groupInstanceId());
        }
        if (memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /** The member id currently holding {@code groupInstanceId}, or null. */
    String staticMemberId(String groupInstanceId) {
        return staticMembers.get(groupInstanceId);
    }

    /** Swaps a static member's old id for a new one, keeping its place, assignment and leadership. */
    GroupMember replaceStaticMember(GroupMember old, GroupMember replacement) {
        Map<String, GroupMember> reordered = new LinkedHashMap<>();
        for (Map.Entry<String, GroupMember> e : members.entrySet()) {
            if (e.getKey().equals(old.memberId())) {
                reordered.put(replacement.memberId(), replacement);
            } else {
                reordered.put(e.getKey(), e.getValue());
            }
        }
        members.clear();
        members.putAll(reordered);
        staticMembers.put(replacement.groupInstanceId(), replacement.memberId());
        replacement.assignment(old.assignment());
        if (old.memberId().equals(leaderId)) {
            leaderId = replacement.memberId();
        }
        return replacement;
    }

    void addPending(String memberId, long expiresAtMs) {
        pendingMembers.put(memberId, expiresAtMs);
    }

    boolean isPending(String memberId) {
        return pendingMembers.containsKey(memberId);
    }

    boolean removePending(String memberId) {
        return pendingMembers.remove(memberId) != null;
    }

    int pendingCount() {
        return pendingMembers.size();
    }

    /** True when every member has rejoined in this rebalance and no handed-out member id is outstanding. */
    boolean allMembersJoined() {
        if (!pendingMembers.isEmpty()) {
            return false;
        }
        for (GroupMember m : members.values()) {
            if (m.awaitingJoin() == null) {
                return false;
            }
        }
        return true;
    }

    int maxRebalanceTimeoutMs() {
        int max = 0;
        for (GroupMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs());
        }
        return max;
    }

    // ---- protocols

    /**
     * True when a member offering {@code type} and {@code offered} may join: an empty group takes
     * any type; otherwise the type must match and at least one offered protocol must be supported
     * by every current member.
     */
    boolean supports(String type, List<GroupMember.Protocol> offered) {
        if (members.isEmpty()) {
            return true;
        }
        if (!type.equals(protocolType)) {
            return false;
        }
        Set<String> common = commonProtocols();
        for (GroupMember.Protocol p : offered) {
            if (common.contains(p.name())) {
                return true;
            }
        }
        return false;
    }

    private Set<String> commonProtocols() {
        Set<String> common = null;
        for (GroupMember m : members.values()) {
            Set<String> names = new LinkedHashSet<>();
            m.protocols().forEach(p -> names.add(p.name()));
            if (common == null) {
                common = names;
            } else {
                common.retainAll(names);
            }
        }
        return common == null ? Set.of() : common;
    }

    /**
     * Chooses the protocol for the next generation: among the protocols every member supports,
     * each member votes for the first one in its own preference order; most votes wins, ties go to
     * the earlier-joined member's preference.
     */
    String selectProtocol() {
        Set<String> common = commonProtocols();
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (GroupMember m : members.values()) {
            for (GroupMember.Protocol p : m.protocols()) {
                if (common.contains(p.name())) {
                    votes.merge(p.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        String best = null;
        int bestVotes = -1;
        for (Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    /** Starts a new generation with the chosen protocol and leader; an empty group gets no protocol. */
    void nextGeneration(long nowMs) {
        generationId++;
        if (members.isEmpty()) {
            protocolName = null;
            leaderId = null;
            transitionTo(GroupState.EMPTY, nowMs);
        } else {
            protocolName = selectProtocol();
            if (leaderId == null || !members.containsKey(leaderId)) {
                leaderId = members.keySet().iterator().next();
            }
            transitionTo(GroupState.COMPLETING_REBALANCE, nowMs);
        }
    }

    // ---- rebalance bookkeeping

    int rebalanceSequence() {
        return rebalanceSequence;
    }

    /** Records a new rebalance and returns its sequence number (timers check it to see they are current). */
    int startRebalance(long joinNotBeforeMs, long initialDelayCapMs, long deadlineMs) {
        this.joinNotBeforeMs = joinNotBeforeMs;
        this.initialDelayCapMs = initialDelayCapMs;
        this.rebalanceDeadlineMs = deadlineMs;
        return ++rebalanceSequence;
    }

    long joinNotBeforeMs() {
        return joinNotBeforeMs;
    }

    void joinNotBeforeMs(long ms) {
        this.joinNotBeforeMs = ms;
    }

    long initialDelayCapMs() {
        return initialDelayCapMs;
    }

    long rebalanceDeadlineMs() {
        return rebalanceDeadlineMs;
    }
}
