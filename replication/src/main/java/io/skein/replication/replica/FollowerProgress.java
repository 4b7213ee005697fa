package io.skein.replication.replica;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A leader's view of its followers for one partition during one leader epoch: each follower's log
 * end offset (the offset of its last fetch) and the last time it had caught up with the leader's
 * log end (Kafka's {@code lastCaughtUpTimeMs}). From these come the high watermark (the smallest
 * log end over the ISR) and the ISR changes (a follower that has not caught up for
 * {@code replica.lag.time.max.ms} leaves; one that reached the high watermark and the start of the
 * leader's epoch may join).
 *
 * <p>A follower is caught up at a fetch when it fetches from the leader's current log end, or from
 * at least the leader's log end at its previous fetch (it then had everything the leader had when
 * it last asked: caught up as of that previous fetch). Followers start unknown (log end -1) and
 * caught up as of the epoch's start, which gives ISR members one lag period to show up.
 *
 * <p>Threading: every method is synchronized; fetch handler threads record fetches while the
 * ISR checker reads.
 */
public final class FollowerProgress {

    private static final class Follower {
        long logEndOffset = -1;
        long lastCaughtUpMs;
        long lastFetchLeaderLogEnd = -1;
        long lastFetchMs;
    }

    private final int leaderEpoch;
    private final long epochStartOffset;
    private final Map<Integer, Follower> followers = new HashMap<>();

    /**
     * @param epochStartOffset the leader's log end when it became leader at {@code leaderEpoch}
     * @param followerIds the partition's replicas other than the leader
     */
    public FollowerProgress(int leaderEpoch, long epochStartOffset, Collection<Integer> followerIds, long nowMs) {
        this.leaderEpoch = leaderEpoch;
        this.epochStartOffset = epochStartOffset;
        for (int id : followerIds) {
            Follower f = new Follower();
            f.lastCaughtUpMs = nowMs;
            f.lastFetchMs = nowMs;
            followers.put(id, f);
        }
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    /**
     * Records a follower's fetch from {@code fetchOffset} (its log end) while the leader's log ends
     * at {@code leaderLogEnd}.
     *
     * @return false when {@code replicaId} is not a follower of this partition (nothing recorded)
     */
    public synchronized boolean recordFetch(int replicaId, long fetchOffset, long leaderLogEnd, long nowMs) {
        Follower f = followers.get(replicaId);
        if (f == null) {
            return false;
        }
        if (fetchOffset >= leaderLogEnd) {
            f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, nowMs);
        } else if (fetchOffset >= f.lastFetchLeaderLogEnd && f.lastFetchLeaderLogEnd >= 0) {
            f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, f.lastFetchMs);
        }
        f.logEndOffset = fetchOffset;
        f.lastFetchLeaderLogEnd = leaderLogEnd;
        f.lastFetchMs = nowMs;
        return true;
    }

    /**
     * The high watermark the ISR allows: the smallest log end offset among {@code isr} (the
     * leader's own being {@code leaderLogEnd}); -1 while some ISR follower has not fetched yet
     * in this epoch.
     */
    public synchronized long highWatermark(List<Integer> isr, int leaderId, long leaderLogEnd) {
        long hw = leaderLogEnd;
        for (int id : isr) {
            if (id == leaderId) {
                continue;
            }
            Follower f = followers.get(id);
            if (f == null || f.logEndOffset < 0) {
                return -1;
            }
            hw = Math.min(hw, f.logEndOffset);
        }
        return hw;
    }

    /** The ISR followers that have not caught up with the leader for more than {@code maxLagMs}. */
    public synchronized List<Integer> outOfSync(List<Integer> isr, int leaderId, long leaderLogEnd, long nowMs,
                                                long maxLagMs) {
        List<Integer> lagging = new ArrayList<>();
        for (int id : isr) {
            Follower f = followers.get(id);
            if (id == leaderId || f == null) {
                continue;
            }
            boolean caughtUp = f.logEndOffset >= leaderLogEnd || nowMs - f.lastCaughtUpMs <= maxLagMs;
            if (!caughtUp) {
                lagging.add(id);
            }
        }
        return lagging;
    }

    /** Milliseconds since {@code replicaId} last caught up, -1 when it is not a follower. */
    public synchronized long lagMs(int replicaId, long nowMs) {
        Follower f = followers.get(replicaId);
        return f == null ? -1 : nowMs - f.lastCaughtUpMs;
    }

    /**
     * Whether a follower outside the ISR may join it: its log reaches the high watermark and the
     * start of the leader's epoch (so it holds every batch of earlier epochs the leader kept).
     */
    public synchronized boolean mayJoinIsr(int replicaId, long highWatermark) {
        Follower f = followers.get(replicaId);
        return f != null && f.logEndOffset >= 0 && f.logEndOffset >= highWatermark
                && f.logEndOffset >= epochStartOffset;
    }

    /** The follower's log end offset as of its last fetch, -1 when unknown. */
    public synchronized long logEndOffset(int replicaId) {
        Follower f = followers.get(replicaId);
        return f == null ? -1 : f.logEndOffset;
    }
}
