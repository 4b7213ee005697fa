/**
 * The group coordinator: the classic consumer-group protocol (JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup), the consumer protocol (KIP-848, ConsumerGroupHeartbeat), committed offsets and
 * transactional offset commits (TxnOffsetCommit, applied at their transaction's marker).
 *
 * <p>Groups are sharded by the partitions of the internal topic {@code __consumer_offsets}: a group
 * lives in partition {@code abs(groupId.hashCode()) % partitionCount}, and the leader of that
 * partition is its coordinator. Each led partition is a {@link io.skein.coordinator.group.GroupShard}
 * that owns the groups and offsets of that partition, writes every change as a record to the
 * partition's log (Kafka's record formats, so the topic reads like Kafka's), and rebuilds itself by
 * replaying the log when this node becomes the leader.
 */
package io.skein.coordinator.group;
