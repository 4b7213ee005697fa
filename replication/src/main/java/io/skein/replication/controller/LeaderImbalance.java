package io.skein.replication.controller;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.PartitionId;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.api.MetadataImage.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The policy behind {@code auto.leader.rebalance.enable}: for each unfenced broker, its imbalance
 * ratio is the share of the partitions it is the preferred (first) replica of that another broker
 * leads. Above {@code leader.imbalance.per.broker.percentage}, the broker's partitions where it
 * could lead (an in-sync replica) are handed back to it by a preferred election. Partitions being
 * reassigned are left alone.
 *
 * <p>Stateless.
 */
public final class LeaderImbalance {

    /**
     * What a check found.
     *
     * @param ratios the imbalance ratio (0..1) of each broker above the threshold, by broker id
     * @param partitions the partitions to elect preferred leaders for
     */
    public record Plan(Map<Integer, Double> ratios, List<TopicPartition> partitions) {
    }

    private LeaderImbalance() {
    }

    public static Plan check(MetadataImage image, int percentage) {
        Map<Integer, int[]> counts = new TreeMap<>(); // broker -> {preferred, not led}
        Map<Integer, List<TopicPartition>> electable = new TreeMap<>();
        for (TopicImage topic : image.topics()) {
            for (PartitionState p : topic.partitions().values()) {
                if (p.replicas().isEmpty()
                        || image.reassignments().containsKey(new PartitionId(topic.id(), p.partition()))) {
                    continue;
                }
                int preferred = p.replicas().get(0);
                int[] c = counts.computeIfAbsent(preferred, b -> new int[2]);
                c[0]++;
                if (p.leader() != preferred) {
                    c[1]++;
                    if (p.isr().contains(preferred)) {
                        electable.computeIfAbsent(preferred, b -> new ArrayList<>())
                                .add(new TopicPartition(topic.name(), p.partition()));
                    }
                }
            }
        }
        Map<Integer, Double> ratios = new TreeMap<>();
        List<TopicPartition> partitions = new ArrayList<>();
        counts.forEach((broker, c) -> {
            MetadataImage.BrokerRegistration b = image.brokers().get(broker);
            double ratio = (double) c[1] / c[0];
            if (b == null || b.fenced() || ratio * 100 <= percentage || !electable.containsKey(broker)) {
                return;
            }
            ratios.put(broker, ratio);
            partitions.addAll(electable.get(broker));
        });
        return new Plan(ratios, partitions);
    }
}
