package io.skein.replication.api;

import io.skein.log.api.PartitionLog;
import io.skein.replication.api.MetadataImage.PartitionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * A partition replica on this node as of one metadata image, as replication sees it: the log it
 * copies into (as follower) or keeps the high watermark of (as leader), and the partition's state
 * in the image. The broker's hosted partitions implement it; implementations are immutable and
 * replaced when the image changes.
 */
public interface HostedReplica {

    TopicPartition topicPartition();

    Uuid topicId();

    /** The partition as of the image: leader, leader and partition epochs, replicas, ISR. */
    PartitionState state();

    /** The replica's log on this node. */
    PartitionLog log();

    /** Whether this node leads the partition in the image. */
    boolean isLeader();

    default int leaderEpoch() {
        return state().leaderEpoch();
    }
}
