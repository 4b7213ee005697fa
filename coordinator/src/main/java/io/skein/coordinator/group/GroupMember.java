package io.skein.coordinator.group;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * One member of a classic group: who it is, the protocols it offered, its assignment, and the
 * JoinGroup or SyncGroup response it is waiting for during a rebalance.
 *
 * <p>Threading: mutable, guarded by the lock of the {@link GroupShard} that owns its group.
 */
final class GroupMember {

    static final byte[] NO_BYTES = new byte[0];

    /** One protocol the member can use, with its protocol-specific metadata (the subscription). */
    record Protocol(String name, byte[] metadata) {
    }

    /** A parked JoinGroup: the response future and the request version it must be encoded for. */
    record PendingJoin(CompletableFuture<JoinGroupResponseData> response, short version) {
    }

    private final String memberId;
    private final String groupInstanceId;
    private final String clientId;
    private final String clientHost;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    private List<Protocol> protocols;
    private byte[] assignment = NO_BYTES;
    private PendingJoin awaitingJoin;
    private CompletableFuture<SyncGroupResponseData> awaitingSync;
    private long heartbeatDeadlineMs;
    private boolean expiryScheduled;

    GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                int sessionTimeoutMs, List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    String memberId() {
        return memberId;
    }

    String groupInstanceId() {
        return groupInstanceId;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    String clientId() {
        return clientId;
    }

    String clientHost() {
        return clientHost;
    }

    int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    List<Protocol> protocols() {
        return protocols;
    }

    void update(int newRebalanceTimeoutMs, int newSessionTimeoutMs, List<Protocol> newProtocols) {
        this.rebalanceTimeoutMs = newRebalanceTimeoutMs;
        this.sessionTimeoutMs = newSessionTimeoutMs;
        this.protocols = List.copyOf(newProtocols);
    }

    /** The metadata this member offered for {@code protocol}, or empty when it does not support it. */
    byte[] metadataFor(String protocol) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocol)) {
                return p.metadata();
            }
        }
        return NO_BYTES;
    }

    /** True when {@code offered} is the same list of protocols with the same metadata, in the same order. */
    boolean sameProtocols(List<Protocol> offered) {
        if (offered.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < offered.size(); i++) {
            Protocol a = offered.get(i);
            Protocol b = protocols.get(i);
            if (!a.name().equals(b.name()) || !Arrays.equals(a.metadata(), b.metadata())) {
                return false;
            }
        }
        return true;
    }

    byte[] assignment() {
        return assignment;
    }

    void assignment(byte[] newAssignment) {
        this.assignment = newAssignment == null ? NO_BYTES : newAssignment;
    }

    PendingJoin awaitingJoin() {
        return awaitingJoin;
    }

    void awaitingJoin(PendingJoin pending) {
        this.awaitingJoin = pending;
    }

    CompletableFuture<SyncGroupResponseData> awaitingSync() {
        return awaitingSync;
    }

    void awaitingSync(CompletableFuture<SyncGroupResponseData> pending) {
        this.awaitingSync = pending;
    }

    long heartbeatDeadlineMs() {
        return heartbeatDeadlineMs;
    }

    void heartbeatDeadlineMs(long deadline) {
        this.heartbeatDeadlineMs = deadline;
    }

    boolean expiryScheduled() {
        return expiryScheduled;
    }

    void expiryScheduled(boolean scheduled) {
        this.expiryScheduled = scheduled;
    }
}
