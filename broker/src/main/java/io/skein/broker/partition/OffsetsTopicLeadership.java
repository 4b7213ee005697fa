package io.skein.broker.partition;

import io.skein.coordinator.group.GroupCoordinator;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataListener;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;

/**
 * Tells the group coordinator which {@code __consumer_offsets} partitions this node leads: it
 * loads a partition's groups when this node becomes its leader (or the leader epoch changes) and
 * drops them when leadership moves away or the topic is deleted.
 *
 * <p>Threading: {@link #onImage} runs on the metadata publisher thread after {@link Partitions}
 * (registered before it) has opened the logs; {@code elected} is touched only there.
 */
public final class OffsetsTopicLeadership implements MetadataListener {

    private final Partitions partitions;
    private final GroupCoordinator coordinator;
    /** partition → (topic id, leader epoch) this node was elected with. */
    private final Map<Integer, String> elected = new HashMap<>();

    public OffsetsTopicLeadership(Partitions partitions, GroupCoordinator coordinator) {
        this.partitions = partitions;
        this.coordinator = coordinator;
    }

    @Override
    public void onImage(MetadataImage previous, MetadataImage current) {
        MetadataImage.TopicImage topic = current.topic(Topic.GROUP_METADATA_TOPIC_NAME).orElse(null);
        coordinator.partitionCount(topic == null ? -1 : topic.partitions().size());
        Map<Integer, String> now = new HashMap<>();
        if (topic != null) {
            for (MetadataImage.PartitionState state : topic.partitions().values()) {
                HostedPartition hosted = partitions.hosted()
                        .get(new TopicPartition(topic.name(), state.partition()));
                if (hosted == null || !hosted.isLeader()) {
                    continue;
                }
                String identity = topic.id() + "@" + hosted.leaderEpoch();
                now.put(state.partition(), identity);
                if (!identity.equals(elected.get(state.partition()))) {
                    coordinator.onElected(state.partition(), hosted.log(), hosted.leaderEpoch());
                }
            }
        }
        for (Integer partition : elected.keySet()) {
            if (!now.containsKey(partition)) {
                coordinator.onResigned(partition);
            }
        }
        elected.clear();
        elected.putAll(now);
    }
}
