package io.skein.coordinator.group;

import io.skein.coordinator.records.CoordinatorLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets: OffsetCommit's member and generation checks, writes to the shard's log,
 * OffsetFetch, OffsetDelete and the expiry of old offsets ({@code offsets.retention.minutes}).
 *
 * <p>Threading: every method is called with the shard's lock held.
 */
final class OffsetOperations {

    private static final Logger log = LoggerFactory.getLogger(OffsetOperations.class);

    private final Rebalancer rebalancer;
    private final GroupConfig config;

    OffsetOperations(Rebalancer rebalancer) {
        this.rebalancer = rebalancer;
        this.config = rebalancer.config();
    }

    /**
     * Commits the offsets for a group member (generation and member id set) or for a client
     * outside any group (generation -1, empty member id), which only an empty group accepts.
     *
     * @return the error per partition, in the order given, once the offsets are committed (below
     *     the high watermark of the shard's partition) or could not be
     */
    CompletableFuture<Map<TopicPartition, Errors>> commit(GroupShard shard, String groupId, int generation,
                                                          String memberId, String instanceId, short version,
                                                          List<OffsetCommitEntry> entries) {
        Errors groupError = validateCommit(shard, groupId, generation, memberId == null ? "" : memberId, instanceId,
                version);
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        if (groupError != Errors.NONE) {
            entries.forEach(e -> result.put(e.topicPartition(), groupError));
            return CompletableFuture.completedFuture(result);
        }
        long now = rebalancer.now();
        Map<TopicPartition, CommittedOffset> values = accept(entries, now, result);
        CoordinatorLog.Written write = shard.log().writeOffsets(offsetRecords(groupId, values), now);
        Errors written = GroupLog.asOffsetCommitError(write.appendError());
        if (written != Errors.NONE) {
            values.keySet().forEach(tp -> result.put(tp, written));
            return CompletableFuture.completedFuture(result);
        }
        long writeId = shard.unreplicated().appending(groupId, values.keySet(), shard.offsets());
        values.forEach((tp, value) -> shard.offsets().put(groupId, tp, value));
        // reads see the offsets once replicated, before the client hears so
        CompletableFuture<Errors> visible = write.committed().thenApply(error -> {
            if (error != Errors.NONE) {
                log.warn("Offset commit of group {} to {} was not replicated: {} (the client is told to retry)",
                        groupId, shard.log().name(), error);
            }
            onOutcome(shard, writeId, groupId, values, write.requiredOffset(), error);
            return error;
        });
        return CommitAnswers.afterCommit(result, values.keySet(), visible, GroupLog::asOffsetCommitError);
    }

    /**
     * The offsets of {@code entries} to write, by partition: those whose metadata fits
     * {@code offset.metadata.max.bytes}, answered NONE in {@code result} for now; the others are
     * answered OFFSET_METADATA_TOO_LARGE.
     */
    Map<TopicPartition, CommittedOffset> accept(List<OffsetCommitEntry> entries, long now,
                                                Map<TopicPartition, Errors> result) {
        Map<TopicPartition, CommittedOffset> values = new LinkedHashMap<>();
        for (OffsetCommitEntry e : entries) {
            String metadata = e.metadata() == null ? "" : e.metadata();
            if (metadata.length() > config.offsetMetadataMaxBytes()) {
                result.put(e.topicPartition(), Errors.OFFSET_METADATA_TOO_LARGE);
                continue;
            }
            values.put(e.topicPartition(), new CommittedOffset(e.offset(), e.leaderEpoch(), metadata, now));
            result.put(e.topicPartition(), Errors.NONE);
        }
        return values;
    }

    /** One offset record per partition of {@code values}. */
    static List<CoordinatorLog.Entry> offsetRecords(String groupId, Map<TopicPartition, CommittedOffset> values) {
        List<CoordinatorLog.Entry> records = new ArrayList<>(values.size());
        values.forEach((tp, value) -> records.add(new CoordinatorLog.Entry(GroupRecords.offsetKey(
                new GroupRecords.OffsetKey(groupId, tp.topic(), tp.partition())), GroupRecords.offsetValue(value))));
        return records;
    }

    /**
     * The commit's outcome: once below the high watermark its offsets become visible; after a
     * timeout it is awaited again (it is in this leader's log and may still commit); a lost
     * leadership closes the shard, so nothing is left to do.
     */
    private void onOutcome(GroupShard shard, long writeId, String groupId, Map<TopicPartition, CommittedOffset> values,
                           long requiredOffset, Errors outcome) {
        synchronized (shard) {
            if (shard.status() != io.skein.coordinator.records.ShardStatus.ACTIVE) {
                return;
            }
            if (outcome == Errors.NONE || outcome == Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND) {
                shard.unreplicated().committed(writeId, groupId, values);
                return;
            }
        }
        if (outcome == Errors.REQUEST_TIMED_OUT) {
            shard.log().awaitOffsetsAgain(requiredOffset).thenAccept(again ->
                    onOutcome(shard, writeId, groupId, values, requiredOffset, again));
        }
    }

    Errors validateCommit(GroupShard shard, String groupId, int generation, String memberId,
                                  String instanceId, short version) {
        ConsumerGroup consumerGroup = shard.consumerGroup(groupId);
        if (consumerGroup != null) {
            return validateConsumerCommit(consumerGroup, generation, memberId, version);
        }
        ClassicGroup group = shard.group(groupId);
        if (group == null) {
            if (generation >= 0) {
                return version >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
            }
            shard.groups().put(groupId, new ClassicGroup(groupId, rebalancer.now()));
            return Errors.NONE;
        }
        if (generation < 0 && group.isIn(GroupState.EMPTY)) {
            return Errors.NONE;
        }
        if (generation >= 0 || !memberId.isEmpty() || instanceId != null) {
            Errors fencing = MemberValidation.check(group, memberId, instanceId);
            if (fencing != Errors.NONE) {
                return fencing;
            }
            if (generation != group.generationId()) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.isIn(GroupState.COMPLETING_REBALANCE)) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        rebalancer.touch(shard, group, group.member(memberId));
        return Errors.NONE;
    }

    /**
     * A commit to a consumer-protocol group: from outside the group only while it is empty;
     * otherwise from a member at its current epoch (a newer epoch is fenced, an older one stale).
     */
    private static Errors validateConsumerCommit(ConsumerGroup group, int memberEpoch, String memberId, short version) {
        if (memberEpoch < 0 && memberId.isEmpty()) {
            return group.isEmpty() ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
        }
        ConsumerMember member = group.member(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (memberEpoch == member.memberEpoch()) {
            return Errors.NONE;
        }
        if (version < 9) {
            return Errors.ILLEGAL_GENERATION;
        }
        return memberEpoch > member.memberEpoch() ? Errors.FENCED_MEMBER_EPOCH : Errors.STALE_MEMBER_EPOCH;
    }

    /**
     * The group's committed offsets for {@code partitions}, or for every partition it committed
     * when {@code partitions} is null. Partitions without a commit are absent from the result.
     */
    Map<TopicPartition, CommittedOffset> fetch(GroupShard shard, String groupId, Collection<TopicPartition> partitions) {
        Map<TopicPartition, CommittedOffset> all = shard.unreplicated().visible(groupId, shard.offsets().of(groupId));
        if (partitions == null) {
            return Map.copyOf(all);
        }
        Map<TopicPartition, CommittedOffset> out = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            CommittedOffset o = all.get(tp);
            if (o != null) {
                out.put(tp, o);
            }
        }
        return out;
    }

    /** The outcome of OffsetDelete: a group-level error, or one error per partition. */
    record DeleteResult(Errors groupError, Map<TopicPartition, Errors> partitions) {
    }

    /**
     * Deletes committed offsets of a group, except for topics the group's members still
     * subscribe to (GROUP_SUBSCRIBED_TO_TOPIC).
     */
    CompletableFuture<DeleteResult> deleteOffsets(GroupShard shard, String groupId, List<TopicPartition> partitions) {
        ConsumerGroup consumerGroup = shard.consumerGroup(groupId);
        ClassicGroup group = shard.group(groupId);
        if (group == null && consumerGroup == null) {
            return CompletableFuture.completedFuture(new DeleteResult(Errors.GROUP_ID_NOT_FOUND, Map.of()));
        }
        Set<String> subscribed = Set.of();
        if (consumerGroup != null) {
            subscribed = consumerGroup.subscribedTopics();
        } else if (!group.isIn(GroupState.EMPTY)) {
            subscribed = ConsumerSubscriptions.topics(group);
            if (subscribed == null) {
                return CompletableFuture.completedFuture(new DeleteResult(Errors.NON_EMPTY_GROUP, Map.of()));
            }
        }
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        List<TopicPartition> toDelete = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (subscribed.contains(tp.topic())) {
                result.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
            } else {
                result.put(tp, Errors.NONE);
                if (shard.offsets().get(groupId, tp) != null) {
                    toDelete.add(tp);
                }
            }
        }
        CoordinatorLog.Written write = writeTombstones(shard, groupId, toDelete);
        Errors written = GroupLog.asGroupError(write.appendError());
        if (written != Errors.NONE) {
            return CompletableFuture.completedFuture(new DeleteResult(written, Map.of()));
        }
        // answered once the tombstones are committed
        return CommitAnswers.afterCommit(Errors.NONE, write.committed(), GroupLog::asGroupError)
                .thenApply(error -> error == Errors.NONE ? new DeleteResult(Errors.NONE, result)
                        : new DeleteResult(error, Map.of()));
    }

    /** Empty consumer-protocol groups: offsets expire counted from when the group became empty. */
    private int expireConsumerGroups(GroupShard shard, long now) {
        int expired = 0;
        for (ConsumerGroup group : new ArrayList<>(shard.consumerGroups().values())) {
            if (!group.isEmpty()) {
                continue;
            }
            String groupId = group.groupId();
            if (group.stateTimestampMs() + config.offsetsRetentionMs() <= now) {
                List<TopicPartition> all = new ArrayList<>(shard.offsets().of(groupId).keySet());
                if (!all.isEmpty() && writeTombstones(shard, groupId, all).appended()) {
                    expired += all.size();
                }
            }
            if (!shard.offsets().hasOffsets(groupId)) {
                shard.consumerGroups().remove(groupId);
                group.markDead();
                log.info("Consumer group {} is deleted: it is empty and has no committed offsets left", groupId);
            }
        }
        return expired;
    }

    /** Writes offset tombstones and, once in the log, forgets the offsets; does not wait for the commit. */
    CoordinatorLog.Written writeTombstones(GroupShard shard, String groupId, Collection<TopicPartition> partitions) {
        List<CoordinatorLog.Entry> tombstones = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            tombstones.add(new CoordinatorLog.Entry(GroupRecords.offsetKey(
                    new GroupRecords.OffsetKey(groupId, tp.topic(), tp.partition())), null));
        }
        CoordinatorLog.Written write = shard.log().write(tombstones, rebalancer.now());
        if (write.appended()) {
            partitions.forEach(tp -> shard.offsets().remove(groupId, tp));
        }
        return write;
    }

    /**
     * Expires offsets older than {@code offsets.retention.minutes}: in an empty group counted from
     * when the group became empty (from the commit for groups that never had members); in a
     * stable consumer group only for topics no member subscribes to any more. An empty group left
     * without offsets is deleted.
     */
    void expireOffsets(GroupShard shard) {
        long now = rebalancer.now();
        int expired = 0;
        for (ClassicGroup group : new ArrayList<>(shard.groups().values())) {
            String groupId = group.groupId();
            Set<String> subscribed = group.isIn(GroupState.STABLE) ? ConsumerSubscriptions.topics(group) : null;
            if (!group.isIn(GroupState.EMPTY) && subscribed == null) {
                continue;
            }
            List<TopicPartition> old = new ArrayList<>();
            for (Map.Entry<TopicPartition, CommittedOffset> e : shard.offsets().of(groupId).entrySet()) {
                long base = group.isIn(GroupState.EMPTY) && group.protocolType() != null
                        ? group.stateTimestampMs() : e.getValue().commitTimestampMs();
                boolean stillUsed = subscribed != null && subscribed.contains(e.getKey().topic());
                if (!stillUsed && base + config.offsetsRetentionMs() <= now) {
                    old.add(e.getKey());
                }
            }
            if (!old.isEmpty() && writeTombstones(shard, groupId, old).appended()) {
                expired += old.size();
            }
            if (group.isIn(GroupState.EMPTY) && group.pendingCount() == 0 && !shard.offsets().hasOffsets(groupId)) {
                if (group.protocolType() == null && group.generationId() == 0
                        || shard.log().append(List.of(new CoordinatorLog.Entry(GroupRecords.groupKey(groupId), null)), now)
                        == Errors.NONE) {
                    shard.groups().remove(groupId);
                    group.transitionTo(GroupState.DEAD, now);
                    log.info("Group {} is deleted: it is empty and has no committed offsets left", groupId);
                }
            }
        }
        expired += expireConsumerGroups(shard, now);
        if (expired > 0) {
            log.info("Removed {} expired offset(s) from {}", expired, shard.log().name());
        }
    }
}
