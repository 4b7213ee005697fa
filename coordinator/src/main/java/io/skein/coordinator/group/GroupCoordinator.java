package io.skein.coordinator.group;

import io.skein.coordinator.api.ShardedCoordinator;
import io.skein.coordinator.records.CoordinatorReplication;
import io.skein.coordinator.records.ShardStatus;
import io.skein.log.api.PartitionLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of this node (classic and consumer-protocol groups, their committed and
 * transactional offsets): routes each group to the shard of its
 * {@code __consumer_offsets} partition, loads a shard when this node becomes that partition's
 * leader and drops it when leadership moves away.
 *
 * <p>Threading: request methods run on request-handler threads and take the shard's lock for
 * the operation; {@link #onElected}/{@link #onResigned} come from the metadata thread; loading
 * runs on the {@code skein-group-loader} thread and timers on {@code skein-group-timer}. The
 * shard map is concurrent; everything inside a shard is guarded by its lock. A write is appended
 * with the lock held and the client answered once it is committed ({@link CoordinatorReplication}):
 * the returned futures complete later, on the replication notifier's thread, without the lock.
 */
public final class GroupCoordinator implements ShardedCoordinator, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

    private final GroupConfig config;
    private final CoordinatorReplication replication;
    private final Clock clock;
    private final Map<Integer, GroupShard> shards = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService loader;
    private final GroupTimers timers;
    private final Rebalancer rebalancer;
    private final JoinGroupOperation joins;
    private final MembershipOperations membership;
    private final OffsetOperations offsets;
    private final TransactionalOffsetOperations transactionalOffsets;
    private final GroupAdminOperations admin;
    private final ConsumerGroupHeartbeatOperation consumerHeartbeats;
    private volatile int partitionCount = -1;

    /**
     * @param topics the cluster's topics, for server-side assignment of consumer-protocol groups
     * @param replication when a write to {@code __consumer_offsets} is committed: clients are
     *     answered only then
     */
    public GroupCoordinator(GroupConfig config, Clock clock, TopicsView topics, CoordinatorReplication replication) {
        this.config = config;
        this.replication = replication;
        this.clock = clock;
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "skein-group-timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.loader = Executors.newSingleThreadExecutor(r -> daemon(r, "skein-group-loader"));
        this.timers = new GroupTimers(scheduler);
        this.rebalancer = new Rebalancer(config, clock, timers);
        this.joins = new JoinGroupOperation(rebalancer);
        this.membership = new MembershipOperations(rebalancer);
        this.offsets = new OffsetOperations(rebalancer);
        this.transactionalOffsets = new TransactionalOffsetOperations(offsets, rebalancer);
        this.admin = new GroupAdminOperations(rebalancer, topics);
        this.consumerHeartbeats = new ConsumerGroupHeartbeatOperation(config, clock, timers, topics);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // ---- placement

    /** The number of partitions of {@code __consumer_offsets}, once the topic exists. */
    @Override
    public void partitionCount(int count) {
        this.partitionCount = count;
    }

    /** The {@code __consumer_offsets} partition that holds {@code groupId}, or -1 before the topic exists. */
    public int partitionFor(String groupId) {
        int count = partitionCount;
        return count <= 0 ? -1 : partitionFor(groupId, count);
    }

    /** The partition of a {@code partitionCount}-partition offsets topic that holds {@code groupId}, as Kafka computes it. */
    public static int partitionFor(String groupId, int partitionCount) {
        return Utils.abs(groupId.hashCode()) % partitionCount;
    }

    /** This node now leads {@code partition} at {@code leaderEpoch}: load its groups and serve them. */
    @Override
    public void onElected(int partition, PartitionLog log, int leaderEpoch) {
        GroupShard shard = new GroupShard(partition, new GroupLog(log, leaderEpoch, replication));
        GroupShard previous = shards.put(partition, shard);
        if (previous != null) {
            previous.close();
        }
        loader.execute(() -> load(shard));
    }

    private void load(GroupShard shard) {
        if (shard.status() != ShardStatus.LOADING) {
            return;
        }
        List<ClassicGroup> withMembers;
        try {
            withMembers = shard.load(config.loadBufferBytes(), clock.millis());
        } catch (RuntimeException e) {
            log.error("Could not load the groups of {}; its groups are unavailable", shard.log().name(), e);
            return;
        }
        synchronized (shard) {
            if (shard.status() != ShardStatus.ACTIVE) {
                return;
            }
            for (ClassicGroup group : withMembers) {
                for (GroupMember m : group.members()) {
                    rebalancer.touch(shard, group, m);
                }
            }
        }
        scheduleOffsetExpiry(shard);
    }

    private void scheduleOffsetExpiry(GroupShard shard) {
        timers.schedule(shard, config.offsetsRetentionCheckIntervalMs(), () -> {
            offsets.expireOffsets(shard);
            scheduleOffsetExpiry(shard);
        });
    }

    /** This node no longer leads {@code partition}: its groups are dropped and their clients told NOT_COORDINATOR. */
    @Override
    public void onResigned(int partition) {
        GroupShard shard = shards.remove(partition);
        if (shard != null) {
            shard.close();
            log.info("Stopped coordinating the groups of {}", shard.log().name());
        }
    }

    private record Route(GroupShard shard, Errors error) {
    }

    private Route route(String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            return new Route(null, Errors.INVALID_GROUP_ID);
        }
        int partition = partitionFor(groupId);
        if (partition < 0) {
            return new Route(null, Errors.COORDINATOR_NOT_AVAILABLE);
        }
        GroupShard shard = shards.get(partition);
        if (shard == null) {
            return new Route(null, Errors.NOT_COORDINATOR);
        }
        Errors availability = shard.availability();
        return availability == Errors.NONE ? new Route(shard, Errors.NONE) : new Route(null, availability);
    }

    /** The error a client gets for this group before anything else is checked, NONE when this node serves it. */
    public Errors coordinatorError(String groupId) {
        return route(groupId).error();
    }

    /**
     * Runs {@code operation} on the group's shard with the shard's lock held, or answers with
     * {@code unavailable} when this node does not serve the group (yet).
     */
    private <T> T onShard(String groupId, Function<GroupShard, T> operation, Function<Errors, T> unavailable) {
        Route route = route(groupId);
        if (route.error() != Errors.NONE) {
            return unavailable.apply(route.error());
        }
        GroupShard shard = route.shard();
        synchronized (shard) {
            Errors availability = shard.availability();
            return availability == Errors.NONE ? operation.apply(shard) : unavailable.apply(availability);
        }
    }

    // ---- classic membership

    public CompletableFuture<JoinGroupResponseData> joinGroup(ClientInfo client, JoinGroupRequestData request) {
        return onShard(request.groupId(), shard -> joins.join(shard, client, request),
                error -> CompletableFuture.completedFuture(JoinGroupOperation.error(error,
                        request.memberId() == null ? "" : request.memberId(), client.apiVersion())));
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(ClientInfo client, SyncGroupRequestData request) {
        return onShard(request.groupId(), shard -> membership.sync(shard, client, request),
                error -> CompletableFuture.completedFuture(new SyncGroupResponseData().setErrorCode(error.code())));
    }

    public Errors heartbeat(HeartbeatRequestData request) {
        return onShard(request.groupId(), shard -> membership.heartbeat(shard, request), error -> error);
    }

    public LeaveGroupResponseData leaveGroup(ClientInfo client, LeaveGroupRequestData request) {
        return onShard(request.groupId(), shard -> membership.leave(shard, client, request),
                error -> new LeaveGroupResponseData().setErrorCode(error.code()));
    }

    // ---- consumer protocol (KIP-848)

    public ConsumerGroupHeartbeatResponseData consumerGroupHeartbeat(ClientInfo client,
                                                                     ConsumerGroupHeartbeatRequestData request) {
        return onShard(request.groupId(), shard -> consumerHeartbeats.heartbeat(shard, client, request),
                error -> new ConsumerGroupHeartbeatResponseData().setErrorCode(error.code()).setMemberEpoch(-1));
    }

    public ConsumerGroupDescribeResponseData.DescribedGroup describeConsumerGroup(String groupId,
                                                                                 int authorizedOperations) {
        return onShard(groupId, shard -> admin.describeConsumerGroup(shard, groupId, authorizedOperations),
                error -> new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                        .setErrorCode(error.code()).setGroupState("").setAssignorName(""));
    }

    // ---- offsets

    /**
     * Commits offsets for the group.
     *
     * @param generation the group generation (member epoch for consumer-protocol groups), or -1
     *     for a commit from outside the group
     * @return the error per partition, once the offsets are committed (replicated to the in-sync
     *     replicas of the group's partition) or could not be; the shard's lock is not held meanwhile
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitOffsets(String groupId, int generation,
                                                                        String memberId, String instanceId,
                                                                        short version,
                                                                        List<OffsetCommitEntry> entries) {
        return onShard(groupId, shard -> offsets.commit(shard, groupId, generation, memberId, instanceId, version,
                entries), error -> CompletableFuture.completedFuture(failedAll(entries, error)));
    }

    private static Map<TopicPartition, Errors> failedAll(List<OffsetCommitEntry> entries, Errors error) {
        Map<TopicPartition, Errors> failed = new LinkedHashMap<>();
        entries.forEach(e -> failed.put(e.topicPartition(), error));
        return failed;
    }

    /**
     * TxnOffsetCommit: the offsets are written as part of the producer's transaction and become
     * the group's committed offsets when its COMMIT marker reaches the group's partition
     * ({@link #onTransactionMarker}).
     *
     * @param generation the generation (member epoch) from the consumer's group metadata, or -1
     * @return the error per partition, once the batch is committed or could not be
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitTransactionalOffsets(
            String groupId, long producerId, short producerEpoch, int generation, String memberId, String instanceId,
            List<OffsetCommitEntry> entries) {
        return onShard(groupId, shard -> transactionalOffsets.commit(shard, groupId, producerId, producerEpoch,
                generation, memberId, instanceId, entries),
                error -> CompletableFuture.completedFuture(failedAll(entries, error)));
    }

    /**
     * A COMMIT or ABORT marker of {@code producerId} was written to {@code __consumer_offsets}
     * partition {@code partition}: the producer's pending transactional offsets there become
     * committed or are dropped. Called by whoever writes markers, after the append.
     */
    public void onTransactionMarker(int partition, long producerId, boolean commit) {
        GroupShard shard = shards.get(partition);
        if (shard == null) {
            return; // not served here (any more): the next leader replays the marker from the log
        }
        synchronized (shard) {
            if (shard.status() == ShardStatus.CLOSED) {
                return; // the next leader replays the marker from the log
            }
            Map<String, Map<TopicPartition, CommittedOffset>> applied = shard.completeTransaction(producerId, commit,
                    clock.millis());
            if (!applied.isEmpty()) {
                log.debug("Producer {}: {} transactional offset commit(s) of {} group(s) in {}", producerId,
                        commit ? "applied" : "dropped", applied.size(), shard.log().name());
            }
        }
    }

    /** Whether an open transaction holds an offset of the group for {@code tp} (OffsetFetch's require_stable). */
    public boolean hasPendingTransactionalOffset(String groupId, TopicPartition tp) {
        return onShard(groupId, shard -> shard.pendingOffsets().hasPending(groupId, tp), error -> false);
    }

    /** What OffsetFetch found for one group: a group-level error or the committed offsets. */
    public record FetchResult(Errors error, Map<TopicPartition, CommittedOffset> offsets) {
    }

    /** The committed offsets of {@code partitions} (all of the group's when null); partitions never committed are absent. */
    public FetchResult fetchOffsets(String groupId, Collection<TopicPartition> partitions) {
        return onShard(groupId, shard -> new FetchResult(Errors.NONE, offsets.fetch(shard, groupId, partitions)),
                error -> new FetchResult(error, Map.of()));
    }

    /** What OffsetDelete did: a group-level error, or an error per partition. */
    public record DeleteOffsetsResult(Errors error, Map<TopicPartition, Errors> partitions) {
    }

    /** OffsetDelete, answered once the tombstones are committed. */
    public CompletableFuture<DeleteOffsetsResult> deleteOffsets(String groupId, List<TopicPartition> partitions) {
        return onShard(groupId, shard -> offsets.deleteOffsets(shard, groupId, partitions).thenApply(result ->
                new DeleteOffsetsResult(result.groupError(), result.partitions())),
                error -> CompletableFuture.completedFuture(new DeleteOffsetsResult(error, Map.of())));
    }

    // ---- admin

    /** What ListGroups found: COORDINATOR_LOAD_IN_PROGRESS while a shard is still loading. */
    public record ListResult(Errors error, List<ListedGroup> groups) {
    }

    public ListResult listGroups(List<String> statesFilter, List<String> typesFilter) {
        List<ListedGroup> out = new ArrayList<>();
        Errors error = Errors.NONE;
        for (GroupShard shard : shards.values()) {
            synchronized (shard) {
                if (shard.status() == ShardStatus.LOADING) {
                    error = Errors.COORDINATOR_LOAD_IN_PROGRESS;
                } else if (shard.status() == ShardStatus.ACTIVE) {
                    out.addAll(admin.list(shard, statesFilter, typesFilter));
                }
            }
        }
        return new ListResult(error, out);
    }

    public DescribedGroup describeGroup(String groupId, short version, int authorizedOperations) {
        return onShard(groupId, shard -> admin.describe(shard, groupId, version, authorizedOperations),
                error -> new DescribedGroup().setGroupId(groupId).setErrorCode(error.code()).setGroupState("")
                        .setProtocolType("").setProtocolData(""));
    }

    /** DeleteGroups for one group, answered once its tombstones are committed. */
    public CompletableFuture<Errors> deleteGroup(String groupId) {
        return onShard(groupId, shard -> admin.delete(shard, groupId), CompletableFuture::completedFuture);
    }

    /** Drops every shard (answering parked requests NOT_COORDINATOR) and stops the threads. */
    @Override
    public void close() {
        for (Integer partition : List.copyOf(shards.keySet())) {
            GroupShard shard = shards.remove(partition);
            if (shard != null) {
                shard.close();
            }
        }
        loader.shutdownNow();
        scheduler.shutdownNow();
        try {
            loader.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
