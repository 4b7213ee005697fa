package io.skein.coordinator.group;

import io.skein.coordinator.records.CoordinatorLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ListGroups, DescribeGroups and DeleteGroups over one shard's groups.
 *
 * <p>Threading: every method is called with the shard's lock held.
 */
final class GroupAdminOperations {

    private static final Logger log = LoggerFactory.getLogger(GroupAdminOperations.class);
    static final String CLASSIC_TYPE = "classic";

    static final String CONSUMER_TYPE = "consumer";

    private final Rebalancer rebalancer;
    private final TopicsView topics;

    GroupAdminOperations(Rebalancer rebalancer, TopicsView topics) {
        this.rebalancer = rebalancer;
        this.topics = topics;
    }

    /** The shard's groups whose state and type pass the filters (empty filters pass everything). */
    List<ListedGroup> list(GroupShard shard, List<String> statesFilter, List<String> typesFilter) {
        List<ListedGroup> out = new ArrayList<>();
        for (ClassicGroup group : shard.groups().values()) {
            if (!statesFilter.isEmpty() && statesFilter.stream().noneMatch(group.state()::matches)) {
                continue;
            }
            if (!typesFilter.isEmpty()
                    && typesFilter.stream().noneMatch(t -> t.toLowerCase(Locale.ROOT).equals(CLASSIC_TYPE))) {
                continue;
            }
            out.add(new ListedGroup()
                    .setGroupId(group.groupId())
                    .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
                    .setGroupState(group.state().displayName())
                    .setGroupType(CLASSIC_TYPE));
        }
        for (ConsumerGroup group : shard.consumerGroups().values()) {
            if (!statesFilter.isEmpty() && statesFilter.stream().noneMatch(group.state()::matches)) {
                continue;
            }
            if (!typesFilter.isEmpty()
                    && typesFilter.stream().noneMatch(t -> t.toLowerCase(Locale.ROOT).equals(CONSUMER_TYPE))) {
                continue;
            }
            out.add(new ListedGroup().setGroupId(group.groupId()).setProtocolType(CONSUMER_TYPE)
                    .setGroupState(group.state().displayName()).setGroupType(CONSUMER_TYPE));
        }
        return out;
    }

    /**
     * Describes a group as Kafka does: the protocol and the members' metadata and assignments only
     * while the group is stable; an unknown group is "Dead" (GROUP_ID_NOT_FOUND from version 6).
     */
    DescribedGroup describe(GroupShard shard, String groupId, short version, int authorizedOperations) {
        ClassicGroup group = shard.group(groupId);
        DescribedGroup out = new DescribedGroup().setGroupId(groupId).setAuthorizedOperations(authorizedOperations);
        if (group == null && shard.consumerGroup(groupId) != null && version >= 6) {
            return out.setGroupState("").setProtocolType("").setProtocolData("")
                    .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + groupId + " is not a classic group.");
        }
        if (group == null) {
            out.setGroupState(GroupState.DEAD.displayName()).setProtocolType("").setProtocolData("");
            if (version >= 6) {
                out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                        .setErrorMessage("Group " + groupId + " not found.");
            }
            return out;
        }
        boolean stable = group.isIn(GroupState.STABLE);
        out.setGroupState(group.state().displayName())
                .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
                .setProtocolData(stable && group.protocolName() != null ? group.protocolName() : "");
        for (GroupMember m : group.members()) {
            out.members().add(new DescribedGroupMember()
                    .setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId())
                    .setClientId(m.clientId())
                    .setClientHost(m.clientHost())
                    .setMemberMetadata(stable ? m.metadataFor(group.protocolName()) : GroupMember.NO_BYTES)
                    .setMemberAssignment(stable ? m.assignment() : GroupMember.NO_BYTES));
        }
        return out;
    }

    /**
     * Deletes an empty group with its offsets: GROUP_ID_NOT_FOUND or NON_EMPTY_GROUP otherwise;
     * answered once the tombstones are committed.
     */
    CompletableFuture<Errors> delete(GroupShard shard, String groupId) {
        ClassicGroup group = shard.group(groupId);
        ConsumerGroup consumerGroup = shard.consumerGroup(groupId);
        if (group == null && consumerGroup == null) {
            return CompletableFuture.completedFuture(Errors.GROUP_ID_NOT_FOUND);
        }
        if (group != null ? !group.isIn(GroupState.EMPTY) : !consumerGroup.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.NON_EMPTY_GROUP);
        }
        List<TopicPartition> committed = new ArrayList<>(shard.offsets().of(groupId).keySet());
        List<CoordinatorLog.Entry> tombstones = new ArrayList<>();
        for (TopicPartition tp : committed) {
            tombstones.add(new CoordinatorLog.Entry(GroupRecords.offsetKey(
                    new GroupRecords.OffsetKey(groupId, tp.topic(), tp.partition())), null));
        }
        tombstones.add(new CoordinatorLog.Entry(GroupRecords.groupKey(groupId), null));
        CoordinatorLog.Written write = shard.log().write(tombstones, rebalancer.now());
        Errors written = GroupLog.asGroupError(write.appendError());
        if (written != Errors.NONE) {
            return CompletableFuture.completedFuture(written);
        }
        shard.offsets().removeGroup(groupId);
        shard.groups().remove(groupId);
        shard.consumerGroups().remove(groupId);
        if (group != null) {
            group.transitionTo(GroupState.DEAD, rebalancer.now());
        } else {
            consumerGroup.markDead();
        }
        log.info("Deleted group {} and its {} committed offset(s)", groupId, committed.size());
        return CommitAnswers.afterCommit(Errors.NONE, write.committed(), GroupLog::asGroupError);
    }

    /**
     * ConsumerGroupDescribe: epochs, assignor and every member with its subscription, current
     * assignment and target. A classic or unknown group is GROUP_ID_NOT_FOUND, as in Kafka.
     */
    ConsumerGroupDescribeResponseData.DescribedGroup describeConsumerGroup(GroupShard shard, String groupId,
                                                                          int authorizedOperations) {
        ConsumerGroup group = shard.consumerGroup(groupId);
        ConsumerGroupDescribeResponseData.DescribedGroup out = new ConsumerGroupDescribeResponseData.DescribedGroup()
                .setGroupId(groupId).setAuthorizedOperations(authorizedOperations);
        if (group == null) {
            return out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setGroupState("").setAssignorName("")
                    .setErrorMessage(shard.group(groupId) != null ? "Group " + groupId + " is not a consumer group."
                            : "Group " + groupId + " not found.");
        }
        out.setGroupState(group.state().displayName()).setGroupEpoch(group.groupEpoch())
                .setAssignmentEpoch(group.assignmentEpoch()).setAssignorName(group.assignorName());
        for (ConsumerMember m : group.members()) {
            out.members().add(new ConsumerGroupDescribeResponseData.Member()
                    .setMemberId(m.memberId())
                    .setInstanceId(m.instanceId())
                    .setRackId(m.rackId())
                    .setMemberEpoch(m.memberEpoch())
                    .setClientId(m.clientId() == null ? "" : m.clientId())
                    .setClientHost(m.clientHost() == null ? "" : m.clientHost())
                    .setSubscribedTopicNames(new ArrayList<>(m.subscribedTopics()))
                    .setAssignment(describe(m.assigned()))
                    .setTargetAssignment(describe(group.targetOf(m.memberId())))
                    .setMemberType((byte) 1));
        }
        return out;
    }

    private ConsumerGroupDescribeResponseData.Assignment describe(Assignment assignment) {
        ConsumerGroupDescribeResponseData.Assignment out = new ConsumerGroupDescribeResponseData.Assignment();
        assignment.partitions().forEach((topicId, ps) -> out.topicPartitions().add(
                new ConsumerGroupDescribeResponseData.TopicPartitions().setTopicId(topicId)
                        .setTopicName(topics.byId(topicId).map(TopicsView.TopicInfo::name).orElse(""))
                        .setPartitions(new ArrayList<>(ps))));
        return out;
    }
}
