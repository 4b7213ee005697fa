package io.skein.broker.partition;

import io.skein.log.api.PartitionLog;
import io.skein.replication.api.HostedReplica;
import io.skein.replication.api.MetadataImage.PartitionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * A partition with a replica on this node, as of one metadata image: its log, its leadership and
 * its topic's {@code min.insync.replicas}. Immutable; replaced when the image changes. Replication
 * sees it as a {@link HostedReplica}.
 */
public record HostedPartition(TopicPartition topicPartition, Uuid topicId, PartitionState state, PartitionLog log,
                              int localNodeId, int minInSyncReplicas) implements HostedReplica {

    @Override
    public boolean isLeader() {
        return state.leader() == localNodeId;
    }

    @Override
    public int leaderEpoch() {
        return state.leaderEpoch();
    }
}
