package io.skein.replication.controller;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.MetadataImage.TopicImage;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;

/**
 * CreatePartitions: raises a topic's partition count, with Kafka's errors and messages. New
 * partitions keep the topic's replication factor (that of partition 0) and are placed like new
 * topics unless the client assigned them.
 *
 * <p>Threading: used by the controller's single computing thread.
 */
final class PartitionCreation {

    private final ReplicaPlacer placer;

    PartitionCreation(ReplicaPlacer placer) {
        this.placer = placer;
    }

    Outcome create(ControllerCommand.CreatePartitions command, MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        List<ItemResult> items = new ArrayList<>();
        Map<String, Integer> occurrences = new HashMap<>();
        command.topics().forEach(t -> occurrences.merge(t.topic(), 1, Integer::sum));
        List<BrokerRegistration> brokers = ReplicaPlacer.usableBrokers(image);
        for (ControllerCommand.PartitionIncrease increase : command.topics()) {
            String name = increase.topic();
            TopicImage topic = image.topic(name).orElse(null);
            ItemResult error;
            if (occurrences.get(name) > 1) {
                error = new ItemResult(name, Errors.INVALID_REQUEST, "Duplicate topic name.");
            } else if (topic == null) {
                error = new ItemResult(name, Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
            } else {
                error = validate(increase, topic, brokers, image);
            }
            if (error != null) {
                items.add(error);
                continue;
            }
            int current = topic.partitions().size();
            int added = increase.totalCount() - current;
            List<List<Integer>> placement = assignments(increase).isEmpty()
                    ? placer.place(brokers, added, replicationFactor(topic))
                    : assignments(increase);
            items.add(ItemResult.ok(name));
            if (!command.validateOnly()) {
                for (int i = 0; i < added; i++) {
                    List<Integer> replicas = List.copyOf(placement.get(i));
                    records.add(new MetadataRecord.Partition(topic.id(), current + i, replicas, replicas,
                            replicas.get(0), 0, 0));
                }
            }
        }
        return new Outcome(records, items, -1);
    }

    private static ItemResult validate(ControllerCommand.PartitionIncrease increase, TopicImage topic,
                                       List<BrokerRegistration> brokers, MetadataImage image) {
        String name = increase.topic();
        int current = topic.partitions().size();
        if (increase.totalCount() < current) {
            return new ItemResult(name, Errors.INVALID_PARTITIONS, "Topic currently has " + current
                    + " partitions, which is higher than the requested " + increase.totalCount() + ".");
        }
        if (increase.totalCount() == current) {
            return new ItemResult(name, Errors.INVALID_PARTITIONS, "Topic already has " + current + " partition(s).");
        }
        int added = increase.totalCount() - current;
        List<List<Integer>> assignments = assignments(increase);
        if (assignments.isEmpty()) {
            return TopicValidation.replicationFactorReachable(name, replicationFactor(topic), brokers.size());
        }
        if (assignments.size() != added) {
            return new ItemResult(name, Errors.INVALID_REPLICA_ASSIGNMENT, "Attempted to add " + added
                    + " additional partition(s), but only " + assignments.size() + " assignment(s) were specified.");
        }
        return TopicValidation.manualAssignment(name, assignments, image);
    }

    private static List<List<Integer>> assignments(ControllerCommand.PartitionIncrease increase) {
        return increase.assignments() == null ? List.of() : increase.assignments();
    }

    private static int replicationFactor(TopicImage topic) {
        return topic.partitions().isEmpty() ? 1 : topic.partitions().get(topic.partitions().firstKey()).replicas().size();
    }
}
