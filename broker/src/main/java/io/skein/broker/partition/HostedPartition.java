package io.skein.broker.partition;

import io.skein.log.api.PartitionLog;
import io.skein.replication.api.MetadataImage.PartitionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * A partition with a replica on this node, as of one metadata image: its log and its leadership.
 * Immutable; replaced when the image changes.
 */
public record HostedPartition(TopicPartition topicPartition, Uuid topicId, PartitionState state, PartitionLog log,
                              int localNodeId) {

    public boolean isLeader() {
        return state.leader() == localNodeId;
    }

    public int leaderEpoch() {
        return state.leaderEpoch();
    }
}
