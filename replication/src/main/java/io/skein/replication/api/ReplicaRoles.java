package io.skein.replication.api;

import java.util.Collection;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What follows from the roles the image gives this node's replicas: follower fetching and the
 * leader's bookkeeping of its followers. Called by the broker's hosted partitions on the metadata
 * apply thread.
 */
public interface ReplicaRoles {

    ReplicaRoles NONE = new ReplicaRoles() {
        @Override
        public void stopFollowing(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onHosted(MetadataImage image, Map<TopicPartition, ? extends HostedReplica> hosted) {
        }
    };

    /**
     * Stops fetching into these partitions' logs before they become leaders or are deleted; returns
     * once no follower append to them is running or can start.
     */
    void stopFollowing(Collection<TopicPartition> partitions);

    /** The hosted partitions as of {@code image}, published after their logs were told their roles. */
    void onHosted(MetadataImage image, Map<TopicPartition, ? extends HostedReplica> hosted);
}
