package io.skein.broker.partition;

import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.api.MetadataImage.TopicImage;
import io.skein.replication.api.MetadataListener;
import io.skein.replication.api.ReplicaRoles;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions hosted on this node, kept in step with the metadata image: a new image creates
 * the logs of new local replicas, deletes the logs of removed topics and pushes config changes.
 *
 * <p>Threading: {@link #onImage} runs on the metadata quorum's apply thread, one image at a time,
 * and is the only writer. Request handlers read {@link #lookup} from any thread through the
 * volatile {@code hosted} snapshot, which is replaced whole after each image.
 */
public final class Partitions implements MetadataListener {

    private static final Logger log = LoggerFactory.getLogger(Partitions.class);

    private final int localNodeId;
    private final LogRegistry logs;
    private final Function<Map<String, String>, io.skein.log.api.LogConfig> logConfigOf;
    private final java.util.function.ToIntFunction<Map<String, String>> minInSyncReplicasOf;
    private final ReplicaRoles roles;
    private volatile Map<TopicPartition, HostedPartition> hosted = Map.of();
    private volatile MetadataImage image;

    /**
     * @param logConfigOf resolves a topic's overrides into the log config on this broker
     */
    public Partitions(int localNodeId, LogRegistry logs,
                      Function<Map<String, String>, io.skein.log.api.LogConfig> logConfigOf) {
        this(localNodeId, logs, logConfigOf, overrides -> 1, ReplicaRoles.NONE);
    }

    /**
     * @param minInSyncReplicasOf resolves a topic's overrides into its {@code min.insync.replicas}
     * @param roles told to stop following before a log leads or goes, and about every new set of hosted partitions
     */
    public Partitions(int localNodeId, LogRegistry logs,
                      Function<Map<String, String>, io.skein.log.api.LogConfig> logConfigOf,
                      java.util.function.ToIntFunction<Map<String, String>> minInSyncReplicasOf, ReplicaRoles roles) {
        this.localNodeId = localNodeId;
        this.logs = logs;
        this.logConfigOf = logConfigOf;
        this.minInSyncReplicasOf = minInSyncReplicasOf;
        this.roles = roles;
    }

    /** Looks a partition up for a leader-only request (produce, fetch, list offsets). */
    public PartitionLookup lookup(TopicPartition tp) {
        HostedPartition p = hosted.get(tp);
        if (p != null) {
            return p.isLeader() ? PartitionLookup.found(p) : PartitionLookup.failed(Errors.NOT_LEADER_OR_FOLLOWER);
        }
        MetadataImage current = image;
        if (current != null && current.partition(tp).isPresent()) {
            return PartitionLookup.failed(Errors.NOT_LEADER_OR_FOLLOWER);
        }
        return PartitionLookup.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    /**
     * Where an append at {@code leaderEpoch} ending just before {@code requiredOffset} stands, for
     * whoever waits for its replication (an acks=all produce, a coordinator's write): null while the
     * high watermark is below {@code requiredOffset}; then NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND
     * when the ISR is smaller than {@code min.insync.replicas}; NOT_LEADER_OR_FOLLOWER as soon as
     * this node no longer leads the partition at that epoch.
     */
    public Errors replicationStatus(TopicPartition tp, int leaderEpoch, long requiredOffset) {
        PartitionLookup lookup = lookup(tp);
        if (!lookup.ok() || lookup.partition().leaderEpoch() != leaderEpoch) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        HostedPartition p = lookup.partition();
        if (p.log().highWatermark() < requiredOffset) {
            return null;
        }
        return p.state().isr().size() < p.minInSyncReplicas() ? Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND : Errors.NONE;
    }

    @Override
    public void onImage(MetadataImage previous, MetadataImage current) {
        Map<TopicPartition, HostedPartition> next = new HashMap<>();
        Set<TopicPartition> seen = new HashSet<>();
        for (TopicImage topic : current.topics()) {
            io.skein.log.api.LogConfig config = null;
            int minInSyncReplicas = 1;
            for (PartitionState state : topic.partitions().values()) {
                if (!state.replicas().contains(localNodeId)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.name(), state.partition());
                seen.add(tp);
                if (config == null) {
                    config = logConfigOf.apply(topic.configs());
                    minInSyncReplicas = minInSyncReplicasOf.applyAsInt(topic.configs());
                }
                HostedPartition existing = hosted.get(tp);
                boolean sameTopic = existing != null && existing.topicId().equals(topic.id());
                if (existing != null && !sameTopic) {
                    roles.stopFollowing(List.of(tp)); // the older topic's log is about to be replaced
                }
                PartitionLog partitionLog = sameTopic ? existing.log() : openLog(tp, topic.id(), config);
                if (partitionLog == null) {
                    continue;
                }
                if (!partitionLog.config().equals(config)) {
                    partitionLog.updateConfig(config);
                }
                if (state.leader() == localNodeId && !(sameTopic && existing.isLeader())) {
                    roles.stopFollowing(List.of(tp)); // no follower append may race with becoming leader
                }
                applyLeadership(tp, state, partitionLog);
                next.put(tp, new HostedPartition(tp, topic.id(), state, partitionLog, localNodeId, minInSyncReplicas));
            }
        }
        for (Map.Entry<TopicPartition, HostedPartition> old : hosted.entrySet()) {
            HostedPartition now = next.get(old.getKey());
            if (now == null || !now.topicId().equals(old.getValue().topicId())) {
                roles.stopFollowing(List.of(old.getKey()));
                deleteLog(old.getKey(), old.getValue().topicId(), now != null);
            }
        }
        this.hosted = Map.copyOf(next);
        this.image = current;
        roles.onHosted(current, this.hosted);
    }

    /**
     * Tells the log what the image says about its replica: as leader it stamps the partition's
     * leader epoch from now on (recorded as starting at the log end). While this node is the only
     * in-sync replica (always on a single node) the high watermark follows the log end on every
     * append; with followers in the ISR it is left where it is, for the leader's follower
     * bookkeeping ({@link ReplicaRoles}) to move as followers confirm.
     */
    private void applyLeadership(TopicPartition tp, PartitionState state, PartitionLog partitionLog) {
        if (state.leader() != localNodeId) {
            partitionLog.setHighWatermarkFollowsLogEnd(false);
            return;
        }
        if (state.leaderEpoch() > partitionLog.leaderEpoch()) {
            partitionLog.becomeLeader(state.leaderEpoch());
        }
        boolean soleInSyncReplica = state.isr().isEmpty() || state.isr().equals(List.of(localNodeId));
        partitionLog.setHighWatermarkFollowsLogEnd(soleInSyncReplica);
        if (!soleInSyncReplica) {
            log.debug("{} has followers in its ISR {}: its high watermark waits for them", tp, state.isr());
        }
    }

    private PartitionLog openLog(TopicPartition tp, Uuid topicId, io.skein.log.api.LogConfig config) {
        try {
            return logs.getOrCreate(tp, topicId, config);
        } catch (RuntimeException e) {
            log.error("Could not open the log of {} (topic id {}): {}", tp, topicId, e.toString());
            return null;
        }
    }

    private void deleteLog(TopicPartition tp, Uuid topicId, boolean replaced) {
        if (replaced) {
            return; // getOrCreate already replaced the directory of the older topic with the same name
        }
        try {
            logs.delete(tp);
            log.info("Deleted the log of {} (topic id {})", tp, topicId);
        } catch (RuntimeException e) {
            log.error("Could not delete the log of {}: {}", tp, e.toString());
        }
    }

    /** Every hosted partition, for shutdown and metrics. */
    public Map<TopicPartition, HostedPartition> hosted() {
        return hosted;
    }
}
