package io.skein.coordinator.group;

import io.skein.coordinator.records.CoordinatorLog;
import io.skein.coordinator.records.ShardStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups and committed offsets of one {@code __consumer_offsets} partition that this node
 * leads. It loads by replaying the partition, then serves until leadership moves away.
 *
 * <p>Threading: every field except {@code status} is guarded by this object's monitor
 * ({@code synchronized (shard)}), which request threads and timer tasks take for each operation.
 * While the status is {@code LOADING} only the loading thread touches the maps; requests see the
 * status and answer COORDINATOR_LOAD_IN_PROGRESS without waiting.
 */
final class GroupShard {

    private static final Logger log = LoggerFactory.getLogger(GroupShard.class);

    private final int partition;
    private final GroupLog groupLog;
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final Map<String, ConsumerGroup> consumerGroups = new HashMap<>();
    private final OffsetStore offsets = new OffsetStore();
    private final UnreplicatedOffsets unreplicated = new UnreplicatedOffsets();
    private final PendingTransactionalOffsets pendingOffsets = new PendingTransactionalOffsets();
    /** Markers written while loading, perhaps past the end the replay reads to: applied when it is done. */
    private final List<DeferredMarker> deferredMarkers = new ArrayList<>();
    private volatile ShardStatus status = ShardStatus.LOADING;

    GroupShard(int partition, GroupLog groupLog) {
        this.partition = partition;
        this.groupLog = groupLog;
    }

    int partition() {
        return partition;
    }

    ShardStatus status() {
        return status;
    }

    /** NONE when the shard serves requests, otherwise the error a client should retry on. */
    Errors availability() {
        return status.availability();
    }

    GroupLog log() {
        return groupLog;
    }

    Map<String, ClassicGroup> groups() {
        return groups;
    }

    ClassicGroup group(String groupId) {
        return groups.get(groupId);
    }

    /** Consumer-protocol (KIP-848) groups; a group id is either here or in {@link #groups()}, never both. */
    Map<String, ConsumerGroup> consumerGroups() {
        return consumerGroups;
    }

    ConsumerGroup consumerGroup(String groupId) {
        return consumerGroups.get(groupId);
    }

    OffsetStore offsets() {
        return offsets;
    }

    /** Offset commits in the log whose replication is not confirmed yet: reads show the value before. */
    UnreplicatedOffsets unreplicated() {
        return unreplicated;
    }

    /** TxnOffsetCommit's offsets waiting for their transaction's marker. */
    PendingTransactionalOffsets pendingOffsets() {
        return pendingOffsets;
    }

    private record DeferredMarker(long producerId, boolean commit) {
    }

    /**
     * A transaction marker of {@code producerId} is in this partition's log: its pending offsets
     * become committed (COMMIT) or are dropped. While loading, the marker is kept and applied once
     * the replay is done (applying one the replay saw as well finds nothing left). Lock held.
     *
     * @return the groups whose offsets changed, by group
     */
    Map<String, Map<TopicPartition, CommittedOffset>> completeTransaction(long producerId, boolean commit, long nowMs) {
        if (status == ShardStatus.LOADING) {
            deferredMarkers.add(new DeferredMarker(producerId, commit));
            return Map.of();
        }
        Map<String, Map<TopicPartition, CommittedOffset>> applied = applyMarker(producerId, commit);
        if (commit) {
            applied.keySet().forEach(groupId -> groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, nowMs)));
        }
        return applied;
    }

    /** The producer's pending offsets become committed ({@code commit}) or are dropped; returns them. */
    private Map<String, Map<TopicPartition, CommittedOffset>> applyMarker(long producerId, boolean commit) {
        Map<String, Map<TopicPartition, CommittedOffset>> pending = pendingOffsets.take(producerId);
        if (commit) {
            pending.forEach((groupId, offsetsOfGroup) -> offsetsOfGroup.forEach((tp, offset) ->
                    offsets.put(groupId, tp, offset)));
        }
        return pending;
    }

    /**
     * Replays the partition into memory, then starts serving. Called once, on the loading thread.
     *
     * @return the groups loaded that have members (their session timers must be started)
     */
    List<ClassicGroup> load(int bufferBytes, long nowMs) {
        long started = System.nanoTime();
        Map<String, GroupSnapshot> snapshots = new HashMap<>();
        long records = groupLog.replay(bufferBytes, new GroupLog.TransactionalSink() {
            @Override
            public void record(CoordinatorLog.BatchInfo batch, GroupRecords.Decoded decoded) {
                pendingOffsets.replayed(batch);
                if (batch.transactional() && decoded instanceof GroupRecords.OffsetRecord o && o.value() != null) {
                    pendingOffsets.stage(batch.producerId(), o.key().group(),
                            new TopicPartition(o.key().topic(), o.key().partition()), o.value());
                } else {
                    replay(decoded, snapshots);
                }
            }

            @Override
            public void marker(CoordinatorLog.BatchInfo batch, boolean commit) {
                applyMarker(batch.producerId(), commit);
            }
        });
        List<ClassicGroup> withMembers = new ArrayList<>();
        synchronized (this) {
            deferredMarkers.forEach(m -> applyMarker(m.producerId(), m.commit()));
            deferredMarkers.clear();
            for (Map.Entry<String, GroupSnapshot> e : snapshots.entrySet()) {
                ClassicGroup group = ClassicGroup.restore(e.getKey(), e.getValue(), nowMs);
                groups.put(e.getKey(), group);
                if (!group.isEmpty()) {
                    withMembers.add(group);
                }
            }
            for (String groupId : offsets.groups()) {
                groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, nowMs));
            }
            if (status == ShardStatus.LOADING) {
                status = ShardStatus.ACTIVE;
            }
        }
        log.info("Loaded {} group(s) and the offsets of {} group(s) from {} ({} records) in {} ms", snapshots.size(),
                offsets.groups().size(), groupLog.name(), records, (System.nanoTime() - started) / 1_000_000);
        return withMembers;
    }

    /** Applies one non-transactional record of the offsets topic while loading. */
    private void replay(GroupRecords.Decoded decoded, Map<String, GroupSnapshot> snapshots) {
        if (decoded instanceof GroupRecords.OffsetRecord o) {
            TopicPartition tp = new TopicPartition(o.key().topic(), o.key().partition());
            if (o.value() == null) {
                offsets.remove(o.key().group(), tp);
            } else {
                offsets.put(o.key().group(), tp, o.value());
            }
        } else if (decoded instanceof GroupRecords.GroupRecord g) {
            if (g.value() == null) {
                snapshots.remove(g.group());
            } else {
                snapshots.put(g.group(), g.value());
            }
        }
    }

    /**
     * Persists the group's current metadata; map the append's error and the commit's outcome with
     * {@link GroupLog#asGroupError}. Lock held; does not wait for the commit.
     */
    CoordinatorLog.Written writeGroup(ClassicGroup group, long nowMs) {
        return groupLog.write(List.of(new CoordinatorLog.Entry(GroupRecords.groupKey(group.groupId()),
                GroupRecords.groupValue(group.snapshot()))), nowMs);
    }

    /**
     * Stops serving: every parked JoinGroup and SyncGroup is answered NOT_COORDINATOR so clients
     * look the coordinator up again.
     */
    synchronized void close() {
        status = ShardStatus.CLOSED;
        for (ClassicGroup group : groups.values()) {
            failParked(group.members(), Errors.NOT_COORDINATOR);
        }
        groups.clear();
        consumerGroups.clear();
    }

    static void failParked(Collection<GroupMember> members, Errors error) {
        for (GroupMember m : members) {
            if (m.awaitingJoin() != null) {
                m.awaitingJoin().response().complete(new JoinGroupResponseData().setErrorCode(error.code())
                        .setMemberId(m.memberId()).setGenerationId(-1).setProtocolName(
                                m.awaitingJoin().version() >= 7 ? null : ""));
                m.awaitingJoin(null);
            }
            if (m.awaitingSync() != null) {
                m.awaitingSync().complete(new SyncGroupResponseData().setErrorCode(error.code()));
                m.awaitingSync(null);
            }
        }
    }
}
