package io.skein.replication.controller;

import io.skein.log.api.TopicConfigs;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.QuorumSettings.ControllerSettings;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;

/**
 * CreateTopics: validates each topic with Kafka's errors and messages, places its replicas and
 * produces a topic record, its config records and one partition record per partition (leader =
 * first replica, ISR = all replicas, epochs 0). Topics of one command are independent: one
 * failing does not stop the others. With {@code validateOnly} the results are the same and no
 * record is produced.
 *
 * <p>Threading: used by the controller's single computing thread.
 */
final class TopicCreation {

    private final ControllerSettings settings;
    private final TopicConfigs topicConfigs;
    private final ReplicaPlacer placer;
    private final Random random;

    TopicCreation(ControllerSettings settings, TopicConfigs topicConfigs, ReplicaPlacer placer, Random random) {
        this.settings = settings;
        this.topicConfigs = topicConfigs;
        this.placer = placer;
        this.random = random;
    }

    Outcome create(ControllerCommand.CreateTopics command, MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        List<ItemResult> items = new ArrayList<>();
        Map<String, Integer> occurrences = new HashMap<>();
        command.topics().forEach(t -> occurrences.merge(t.name(), 1, Integer::sum));
        // Kafka refuses names that differ from an existing one only by '.' versus '_' (metric names collide).
        Set<String> collisionKeys = new HashSet<>();
        image.topics().forEach(t -> collisionKeys.add(Topic.unifyCollisionChars(t.name())));
        Set<Uuid> newIds = new HashSet<>();
        List<BrokerRegistration> brokers = ReplicaPlacer.usableBrokers(image);
        for (ControllerCommand.NewTopic topic : command.topics()) {
            ItemResult error = occurrences.get(topic.name()) > 1
                    ? new ItemResult(topic.name(), Errors.INVALID_REQUEST, "Duplicate topic name.")
                    : validate(topic, image, brokers, collisionKeys);
            if (error != null) {
                items.add(error);
                continue;
            }
            List<List<Integer>> placement = assignment(topic).isEmpty()
                    ? placer.place(brokers, partitions(topic), replicationFactor(topic))
                    : assignment(topic);
            collisionKeys.add(Topic.unifyCollisionChars(topic.name()));
            items.add(ItemResult.ok(topic.name()));
            if (!command.validateOnly()) {
                Uuid id = newTopicId(image, newIds);
                records.add(new MetadataRecord.Topic(topic.name(), id));
                configs(topic).forEach((key, value) -> records.add(new MetadataRecord.Config(id, key, value)));
                for (int p = 0; p < placement.size(); p++) {
                    List<Integer> replicas = placement.get(p);
                    records.add(new MetadataRecord.Partition(id, p, replicas, replicas, replicas.get(0), 0, 0));
                }
            }
        }
        return new Outcome(records, items, -1);
    }

    private ItemResult validate(ControllerCommand.NewTopic topic, MetadataImage image, List<BrokerRegistration> brokers,
                                Set<String> collisionKeys) {
        String name = topic.name();
        ItemResult invalidName = TopicValidation.topicName(name);
        if (invalidName != null) {
            return invalidName;
        }
        if (image.topic(name).isPresent()) {
            return new ItemResult(name, Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        if (collisionKeys.contains(Topic.unifyCollisionChars(name))) {
            return new ItemResult(name, Errors.INVALID_TOPIC_EXCEPTION, "Topic '" + name
                    + "' collides with an existing topic ('.' and '_' could collide in metric names).");
        }
        ItemResult placementError = assignment(topic).isEmpty()
                ? validateCounts(topic, brokers)
                : validateManual(topic, image);
        if (placementError != null) {
            return placementError;
        }
        return TopicValidation.configs(name, topicConfigs, configs(topic));
    }

    private ItemResult validateCounts(ControllerCommand.NewTopic topic, List<BrokerRegistration> brokers) {
        String name = topic.name();
        if (topic.numPartitions() == 0 || topic.numPartitions() < -1) {
            return new ItemResult(name, Errors.INVALID_PARTITIONS,
                    "Number of partitions was set to an invalid non-positive value.");
        }
        if (topic.replicationFactor() == 0 || topic.replicationFactor() < -1) {
            return new ItemResult(name, Errors.INVALID_REPLICATION_FACTOR,
                    "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        if (partitions(topic) <= 0) {
            return new ItemResult(name, Errors.INVALID_PARTITIONS, "Number of partitions was set to an invalid "
                    + "non-positive value (num.partitions=" + settings.defaultPartitions() + ").");
        }
        if (replicationFactor(topic) <= 0) {
            return new ItemResult(name, Errors.INVALID_REPLICATION_FACTOR, "Replication factor must be larger than 0 "
                    + "(default.replication.factor=" + settings.defaultReplicationFactor() + ").");
        }
        return TopicValidation.replicationFactorReachable(name, replicationFactor(topic), brokers.size());
    }

    private ItemResult validateManual(ControllerCommand.NewTopic topic, MetadataImage image) {
        String name = topic.name();
        if (topic.numPartitions() != -1) {
            return new ItemResult(name, Errors.INVALID_REQUEST,
                    "A manual partition assignment was specified, but numPartitions was not set to -1.");
        }
        if (topic.replicationFactor() != -1) {
            return new ItemResult(name, Errors.INVALID_REQUEST,
                    "A manual partition assignment was specified, but replicationFactor was not set to -1.");
        }
        Map<Integer, List<Integer>> byPartition = topic.assignments();
        for (int p = 0; p < byPartition.size(); p++) {
            if (!byPartition.containsKey(p)) {
                return new ItemResult(name, Errors.INVALID_REPLICA_ASSIGNMENT, "Partitions in the manual partition "
                        + "assignment must be numbered 0 to " + (byPartition.size() - 1) + " without gaps.");
            }
        }
        return TopicValidation.manualAssignment(name, assignment(topic), image);
    }

    /** The manual assignment as a list indexed by partition; empty when the controller places replicas. */
    private static List<List<Integer>> assignment(ControllerCommand.NewTopic topic) {
        Map<Integer, List<Integer>> byPartition = topic.assignments() == null ? Map.of() : topic.assignments();
        List<List<Integer>> list = new ArrayList<>(byPartition.size());
        for (int p = 0; p < byPartition.size(); p++) {
            List<Integer> replicas = byPartition.get(p);
            list.add(replicas == null ? null : List.copyOf(replicas));
        }
        return list;
    }

    private static Map<String, String> configs(ControllerCommand.NewTopic topic) {
        return topic.configs() == null ? Map.of() : topic.configs();
    }

    private int partitions(ControllerCommand.NewTopic topic) {
        return topic.numPartitions() == -1 ? settings.defaultPartitions() : topic.numPartitions();
    }

    private int replicationFactor(ControllerCommand.NewTopic topic) {
        return topic.replicationFactor() == -1 ? settings.defaultReplicationFactor() : topic.replicationFactor();
    }

    /** A random id, never the reserved zero/metadata ids, never one in use, never starting with '-' (like Kafka's). */
    private Uuid newTopicId(MetadataImage image, Set<Uuid> newIds) {
        while (true) {
            Uuid id = new Uuid(random.nextLong(), random.nextLong());
            if (!Uuid.RESERVED.contains(id) && !id.toString().startsWith("-") && image.topic(id).isEmpty()
                    && newIds.add(id)) {
                return id;
            }
        }
    }
}
