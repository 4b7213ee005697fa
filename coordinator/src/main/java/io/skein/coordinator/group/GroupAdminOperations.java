package io.skein.coordinator.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.TopicPartition;
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

    private final Rebalancer rebalancer;

    GroupAdminOperations(Rebalancer rebalancer) {
        this.rebalancer = rebalancer;
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
        return out;
    }

    /**
     * Describes a group as Kafka does: the protocol and the members' metadata and assignments only
     * while the group is stable; an unknown group is "Dead" (GROUP_ID_NOT_FOUND from version 6).
     */
    DescribedGroup describe(GroupShard shard, String groupId, short version, int authorizedOperations) {
        ClassicGroup group = shard.group(groupId);
        DescribedGroup out = new DescribedGroup().setGroupId(groupId).setAuthorizedOperations(authorizedOperations);
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

    /** Deletes an empty group with its offsets: GROUP_ID_NOT_FOUND or NON_EMPTY_GROUP otherwise. */
    Errors delete(GroupShard shard, String groupId) {
        ClassicGroup group = shard.group(groupId);
        if (group == null) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        if (!group.isIn(GroupState.EMPTY)) {
            return Errors.NON_EMPTY_GROUP;
        }
        List<TopicPartition> committed = new ArrayList<>(shard.offsets().of(groupId).keySet());
        List<GroupLog.Entry> tombstones = new ArrayList<>();
        for (TopicPartition tp : committed) {
            tombstones.add(new GroupLog.Entry(GroupRecords.offsetKey(
                    new GroupRecords.OffsetKey(groupId, tp.topic(), tp.partition())), null));
        }
        tombstones.add(new GroupLog.Entry(GroupRecords.groupKey(groupId), null));
        Errors written = shard.log().append(tombstones, rebalancer.now());
        if (written != Errors.NONE) {
            return written;
        }
        shard.offsets().removeGroup(groupId);
        shard.groups().remove(groupId);
        group.transitionTo(GroupState.DEAD, rebalancer.now());
        log.info("Deleted group {} and its {} committed offset(s)", groupId, committed.size());
        return Errors.NONE;
    }
}
