package io.skein.replication.replica;

import io.skein.log.api.PartitionLog;
import io.skein.replication.api.FollowerFetchListener;
import io.skein.replication.api.HostedReplica;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The leader's side of replication for the partitions this node leads: records follower fetches
 * ({@link FollowerProgress}), moves the high watermark to the smallest log end over the ISR (only
 * ever up) and tells the purgatories, asks the controller to add a follower that caught up to the
 * ISR, and (from {@link #shrinkLaggingIsrs}) to remove followers that lag more than
 * {@code replica.lag.time.max.ms}.
 *
 * <p>Threading: {@link #onLeading} and {@link #retainOnly} run on the metadata apply thread;
 * {@link #onFollowerFetch} on request handler threads; {@link #shrinkLaggingIsrs} on the
 * scheduler. The partitions led are a volatile snapshot replaced by the apply thread; progress
 * lives in a concurrent map of thread-safe {@link FollowerProgress} objects.
 */
final class LeaderReplication implements FollowerFetchListener {

    private final int localNodeId;
    private final Clock clock;
    private final long maxLagMs;
    private final IsrChanges isrChanges;
    private final Consumer<TopicPartition> highWatermarkMoved;
    private final ConcurrentHashMap<TopicPartition, FollowerProgress> progress = new ConcurrentHashMap<>();
    private volatile Map<TopicPartition, HostedReplica> led = Map.of();
    /** Registered, unfenced brokers: only they may join an ISR (the controller would refuse others). */
    private volatile Set<Integer> eligible = Set.of();

    /**
     * @param highWatermarkMoved told when a partition's high watermark, ISR or leadership may have changed (wakes
     *     parked fetches, produces and coordinator writes)
     */
    LeaderReplication(int localNodeId, Clock clock, long maxLagMs, IsrChanges isrChanges,
                      Consumer<TopicPartition> highWatermarkMoved) {
        this.localNodeId = localNodeId;
        this.clock = clock;
        this.maxLagMs = maxLagMs;
        this.isrChanges = isrChanges;
        this.highWatermarkMoved = highWatermarkMoved;
    }

    /**
     * The partitions this node leads as of a new image: progress starts afresh at each new leader
     * epoch (and when the replica set changes), and each high watermark is recomputed for the ISR.
     * Partitions no longer led are woken too, so that requests parked on them answer
     * NOT_LEADER_OR_FOLLOWER now rather than at their timeout.
     */
    void onLeading(Map<TopicPartition, HostedReplica> nowLed, Set<Integer> eligibleBrokers) {
        Map<TopicPartition, HostedReplica> ledBefore = led;
        this.eligible = Set.copyOf(eligibleBrokers);
        long now = clock.millis();
        for (HostedReplica p : nowLed.values()) {
            FollowerProgress current = progress.get(p.topicPartition());
            HostedReplica before = led.get(p.topicPartition());
            if (current == null || current.leaderEpoch() != p.leaderEpoch() || before == null
                    || !before.state().replicas().equals(p.state().replicas())) {
                List<Integer> followers = new ArrayList<>(p.state().replicas());
                followers.remove(Integer.valueOf(localNodeId));
                progress.put(p.topicPartition(), new FollowerProgress(p.leaderEpoch(), epochStart(p.log(),
                        p.leaderEpoch()), followers, now));
            }
        }
        progress.keySet().retainAll(nowLed.keySet());
        isrChanges.retainOnly(nowLed.keySet());
        this.led = Map.copyOf(nowLed);
        for (HostedReplica p : nowLed.values()) {
            advanceHighWatermark(p, progress.get(p.topicPartition()));
            highWatermarkMoved.accept(p.topicPartition()); // also wakes produces waiting on an ISR that shrank
        }
        for (TopicPartition tp : ledBefore.keySet()) {
            if (!nowLed.containsKey(tp)) {
                highWatermarkMoved.accept(tp);
            }
        }
    }

    /** Where the leader's current epoch starts in its log: the end of the epochs before it. */
    private static long epochStart(PartitionLog log, int leaderEpoch) {
        io.skein.log.api.EpochEndOffset before = log.endOffsetForEpoch(leaderEpoch - 1);
        return before.defined() ? before.endOffset() : log.logEndOffset();
    }

    @Override
    public void onFollowerFetch(TopicPartition tp, int replicaId, long fetchOffset) {
        HostedReplica p = led.get(tp);
        FollowerProgress followers = progress.get(tp);
        if (p == null || followers == null) {
            return;
        }
        if (!followers.recordFetch(replicaId, fetchOffset, p.log().logEndOffset(), clock.millis())) {
            return;
        }
        if (advanceHighWatermark(p, followers)) {
            highWatermarkMoved.accept(tp);
        }
        if (!p.state().isr().contains(replicaId) && eligible.contains(replicaId)
                && followers.mayJoinIsr(replicaId, p.log().highWatermark())) {
            List<Integer> expanded = new ArrayList<>(p.state().isr());
            expanded.add(replicaId);
            isrChanges.propose(p, expanded, "follower " + replicaId + " caught up at offset " + fetchOffset);
        }
    }

    /**
     * Moves the high watermark up to the smallest log end over the ISR. Runs on every follower fetch:
     * the log's append lock is taken only when the watermark can actually move (the common case, a
     * caught-up follower polling again, reads two volatile offsets and returns).
     *
     * @return whether the high watermark moved
     */
    private boolean advanceHighWatermark(HostedReplica p, FollowerProgress followers) {
        if (followers == null) {
            return false;
        }
        PartitionLog log = p.log();
        long candidate = followers.highWatermark(p.state().isr(), localNodeId, log.logEndOffset());
        return candidate > log.highWatermark() && log.updateHighWatermark(candidate);
    }

    /** Proposes removing the ISR followers that have not caught up for {@code replica.lag.time.max.ms}. */
    void shrinkLaggingIsrs() {
        long now = clock.millis();
        for (HostedReplica p : led.values()) {
            FollowerProgress followers = progress.get(p.topicPartition());
            if (followers == null || p.state().isr().size() <= 1) {
                continue;
            }
            List<Integer> lagging = followers.outOfSync(p.state().isr(), localNodeId, p.log().logEndOffset(), now,
                    maxLagMs);
            if (lagging.isEmpty()) {
                continue;
            }
            List<Integer> shrunk = new ArrayList<>(p.state().isr());
            shrunk.removeAll(lagging);
            StringBuilder reason = new StringBuilder();
            for (int id : lagging) {
                reason.append(reason.length() == 0 ? "" : ", ").append("follower ").append(id)
                        .append(" not caught up for ").append(followers.lagMs(id, now)).append(" ms (log end ")
                        .append(followers.logEndOffset(id)).append(')');
            }
            isrChanges.propose(p, shrunk, reason + ", replica.lag.time.max.ms=" + maxLagMs);
        }
    }

    /** The partitions led as of the latest image. */
    Set<TopicPartition> ledPartitions() {
        return new HashSet<>(led.keySet());
    }
}
