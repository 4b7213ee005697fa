package io.skein.replication.raft;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;

/**
 * The active controller's memory of broker heartbeats, and the policy that decides whose session
 * expired: an unfenced broker whose last heartbeat to <em>this</em> leader is older than the
 * session timeout. A new leader knows no heartbeats yet, so it counts every broker's session from
 * the moment it became leader (a broker is never fenced for the time the quorum had no leader).
 * A session belongs to one incarnation: when {@link #expired} first sees a broker registered with
 * an incarnation it has no heartbeat of (a restart registered again), that session starts then.
 * Heartbeats are not written to the metadata log; only the fencing they cause is.
 *
 * <p>Threading: {@link #heartbeat} runs on Ratis query threads, {@link #leaderChanged} on Ratis
 * event threads, {@link #expired} on the fencing timer's thread. The map is concurrent and
 * {@code leaderSinceNanos} volatile (-1 while another node leads); nothing else is shared.
 */
final class BrokerSessions {

    /** A broker whose session expired, with how long ago it was last heard from. */
    record Expired(BrokerRegistration broker, long silentMs) {
    }

    private final long sessionTimeoutNanos;
    private record Session(Uuid incarnationId, long lastNanos) {
    }

    private final Map<Integer, Session> sessions = new ConcurrentHashMap<>();
    private volatile long leaderSinceNanos = -1;

    BrokerSessions(long sessionTimeoutMs) {
        this.sessionTimeoutNanos = sessionTimeoutMs * 1_000_000L;
    }

    long sessionTimeoutMs() {
        return sessionTimeoutNanos / 1_000_000L;
    }

    void heartbeat(int brokerId, Uuid incarnationId, long nowNanos) {
        sessions.put(brokerId, new Session(incarnationId, nowNanos));
    }

    /** This node became leader ({@code isLocalLeader}) or stopped being it. */
    void leaderChanged(boolean isLocalLeader, long nowNanos) {
        if (isLocalLeader) {
            sessions.clear();
            leaderSinceNanos = nowNanos;
        } else {
            leaderSinceNanos = -1;
        }
    }

    boolean isLeader() {
        return leaderSinceNanos >= 0;
    }

    /** The unfenced brokers of {@code image} whose session expired at {@code nowNanos}; empty when not leader. */
    List<Expired> expired(MetadataImage image, long nowNanos) {
        long since = leaderSinceNanos;
        if (since < 0) {
            return List.of();
        }
        List<Expired> expired = new ArrayList<>();
        for (BrokerRegistration broker : image.brokers().values()) {
            if (broker.fenced()) {
                continue;
            }
            Session session = sessions.get(broker.id());
            if (session == null || !session.incarnationId().equals(broker.incarnationId())) {
                sessions.put(broker.id(), new Session(broker.incarnationId(), Math.max(since, nowNanos)));
                continue;
            }
            long silent = nowNanos - Math.max(since, session.lastNanos());
            if (silent > sessionTimeoutNanos) {
                expired.add(new Expired(broker, silent / 1_000_000L));
            }
        }
        return expired;
    }

    /**
     * Whether this node, while leader, has itself seen the session of {@code incarnationId} expire.
     * A fence for a missed session is committed only if this is true on the leader that appends it:
     * a node that was cut off while it led knows nothing of the heartbeats the new leader got, and
     * the fences it decided then must not land when the network heals.
     */
    boolean confirmsExpired(int brokerId, Uuid incarnationId, long nowNanos) {
        long since = leaderSinceNanos;
        Session session = sessions.get(brokerId);
        return since >= 0 && session != null && session.incarnationId().equals(incarnationId)
                && nowNanos - Math.max(since, session.lastNanos()) > sessionTimeoutNanos;
    }
}
