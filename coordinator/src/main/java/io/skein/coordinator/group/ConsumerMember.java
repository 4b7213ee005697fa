package io.skein.coordinator.group;

import java.util.List;

/**
 * One member of a consumer-protocol (KIP-848) group: its subscription, its epoch, and where it is
 * in reconciling towards the group's target assignment.
 *
 * <p>Threading: mutable, guarded by the lock of the {@link GroupShard} that owns its group.
 */
final class ConsumerMember {

    /** Where the member is in reaching its target assignment. */
    enum State {
        /** Owns exactly its target at the group's assignment epoch. */
        STABLE,
        /** Must first give up partitions the target takes away; its epoch stays until it has. */
        UNREVOKED_PARTITIONS,
        /** At the new epoch, waiting for partitions other members still have to give up. */
        UNRELEASED_PARTITIONS
    }

    private final String memberId;
    private final String instanceId;
    private String rackId;
    private String clientId;
    private String clientHost;
    private int rebalanceTimeoutMs;
    private List<String> subscribedTopics = List.of();
    private String serverAssignor;
    private int memberEpoch;
    private int previousMemberEpoch;
    private State state = State.STABLE;
    private Assignment assigned = Assignment.EMPTY;
    private Assignment pendingRevocation = Assignment.EMPTY;
    private long sessionDeadlineMs;
    private long revocationDeadlineMs;
    private boolean expiryScheduled;

    ConsumerMember(String memberId, String instanceId) {
        this.memberId = memberId;
        this.instanceId = instanceId;
    }

    String memberId() {
        return memberId;
    }

    String instanceId() {
        return instanceId;
    }

    String rackId() {
        return rackId;
    }

    String clientId() {
        return clientId;
    }

    String clientHost() {
        return clientHost;
    }

    void client(String newClientId, String newClientHost, String newRackId) {
        this.clientId = newClientId;
        this.clientHost = newClientHost;
        if (newRackId != null) {
            this.rackId = newRackId;
        }
    }

    int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    void rebalanceTimeoutMs(int ms) {
        this.rebalanceTimeoutMs = ms;
    }

    List<String> subscribedTopics() {
        return subscribedTopics;
    }

    void subscribedTopics(List<String> topics) {
        this.subscribedTopics = List.copyOf(topics);
    }

    String serverAssignor() {
        return serverAssignor;
    }

    void serverAssignor(String assignor) {
        this.serverAssignor = assignor;
    }

    int memberEpoch() {
        return memberEpoch;
    }

    int previousMemberEpoch() {
        return previousMemberEpoch;
    }

    void memberEpoch(int epoch) {
        if (epoch != memberEpoch) {
            this.previousMemberEpoch = memberEpoch;
            this.memberEpoch = epoch;
        }
    }

    State state() {
        return state;
    }

    void state(State newState) {
        this.state = newState;
    }

    Assignment assigned() {
        return assigned;
    }

    void assigned(Assignment partitions) {
        this.assigned = partitions;
    }

    Assignment pendingRevocation() {
        return pendingRevocation;
    }

    void pendingRevocation(Assignment partitions) {
        this.pendingRevocation = partitions;
    }

    long sessionDeadlineMs() {
        return sessionDeadlineMs;
    }

    void sessionDeadlineMs(long ms) {
        this.sessionDeadlineMs = ms;
    }

    long revocationDeadlineMs() {
        return revocationDeadlineMs;
    }

    void revocationDeadlineMs(long ms) {
        this.revocationDeadlineMs = ms;
    }

    boolean expiryScheduled() {
        return expiryScheduled;
    }

    void expiryScheduled(boolean scheduled) {
        this.expiryScheduled = scheduled;
    }
}
