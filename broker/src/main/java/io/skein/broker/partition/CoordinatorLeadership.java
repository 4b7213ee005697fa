package io.skein.broker.partition;

import io.skein.coordinator.api.ShardedCoordinator;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataListener;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells a coordinator which partitions of its internal topic ({@code __consumer_offsets},
 * {@code __transaction_state}) this node leads: the coordinator loads a partition when this node
 * becomes its leader (or the leader epoch or topic id changes) and drops it when leadership moves
 * away or the topic is deleted.
 *
 * <p>Threading: {@link #onImage} runs on the metadata publisher thread after {@link Partitions}
 * (registered before it) has opened the logs; {@code elected} is touched only there.
 */
public final class CoordinatorLeadership implements MetadataListener {

    private final Partitions partitions;
    private final String topicName;
    private final ShardedCoordinator coordinator;
    /** partition → "topic id@leader epoch" this node was elected with. */
    private final Map<Integer, String> elected = new HashMap<>();

    public CoordinatorLeadership(Partitions partitions, String topicName, ShardedCoordinator coordinator) {
        this.partitions = partitions;
        this.topicName = topicName;
        this.coordinator = coordinator;
    }

    @Override
    public void onImage(MetadataImage previous, MetadataImage current) {
        MetadataImage.TopicImage topic = current.topic(topicName).orElse(null);
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
