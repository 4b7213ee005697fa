package io.skein.replication.controller;

import io.skein.log.api.TopicConfigs;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.BrokerRegistration;
import io.skein.replication.api.MetadataImage.TopicImage;
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
 * CreateTopics and CreatePartitions: validation with Kafka's errors and messages, and replica
 * placement (round-robin over the unfenced brokers from a random start, leader = first replica).
 */
final class TopicCreation {

    private TopicCreation() {
    }

    static Outcome create(ControllerCommand.CreateTopics command, MetadataImage image, ControllerSettings settings,
                          TopicConfigs topicConfigs, Random random) {
        List<MetadataRecord> records = new ArrayList<>();
        List<ItemResult> items = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        command.topics().forEach(t -> counts.merge(t.name(), 1, Integer::sum));
        Set<String> collisionCheck = new HashSet<>();
        image.topics().forEach(t -> collisionCheck.add(Topic.unifyCollisionChars(t.name())));
        List<BrokerRegistration> brokers = Controller.usableBrokers(image);
        for (ControllerCommand.NewTopic t : command.topics()) {
            String name = t.name();
            ItemResult error = validate(t, image, counts, brokers, settings, topicConfigs, collisionCheck);
            if (error != null) {
                items.add(error);
                continue;
            }
            List<List<Integer>> placement = t.assignments().isEmpty()
                    ? place(brokers, partitionsOf(t, settings), replicationOf(t, settings), random)
                    : explicit(t.assignments());
            collisionCheck.add(Topic.unifyCollisionChars(name));
            items.add(ItemResult.ok(name));
            if (command.validateOnly()) {
                continue;
            }
            Uuid id = new Uuid(random.nextLong(), random.nextLong());
            while (Uuid.RESERVED.contains(id) || image.topic(id).isPresent() || id.toString().startsWith("-")) {
                id = new Uuid(random.nextLong(), random.nextLong());
            }
            records.add(new MetadataRecord.Topic(name, id));
            for (Map.Entry<String, String> c : t.configs().entrySet()) {
                records.add(new MetadataRecord.Config(id, c.getKey(), c.getValue()));
            }
            for (int p = 0; p < placement.size(); p++) {
                List<Integer> replicas = placement.get(p);
                records.add(new MetadataRecord.Partition(id, p, replicas, replicas, replicas.get(0), 0, 0));
            }
        }
        return new Outcome(records, items, -1);
    }

    private static ItemResult validate(ControllerCommand.NewTopic t, MetadataImage image, Map<String, Integer> counts,
                                       List<BrokerRegistration> brokers, ControllerSettings settings,
                                       TopicConfigs topicConfigs, Set<String> collisionCheck) {
        String name = t.name();
        if (counts.getOrDefault(name, 0) > 1) {
            return new ItemResult(name, Errors.INVALID_REQUEST, "Duplicate topic name.");
        }
        String invalidName = Controller.validateTopicName(name);
        if (invalidName != null) {
            return new ItemResult(name, Errors.INVALID_TOPIC_EXCEPTION, invalidName);
        }
        if (image.topic(name).isPresent()) {
            return new ItemResult(name, Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        if (collisionCheck.contains(Topic.unifyCollisionChars(name))) {
            return new ItemResult(name, Errors.INVALID_TOPIC_EXCEPTION, "Topic '" + name
                    + "' collides with an existing topic ('.' and '_' are treated alike).");
        }
        if (!t.assignments().isEmpty() && (t.numPartitions() != -1 || t.replicationFactor() != -1)) {
            return new ItemResult(name, Errors.INVALID_REQUEST,
                    "A manual partition assignment was specified, but numPartitions or replicationFactor was not set to -1.");
        }
        if (t.assignments().isEmpty()) {
            if (t.numPartitions() == 0 || t.numPartitions() < -1) {
                return new ItemResult(name, Errors.INVALID_PARTITIONS, "Number of partitions was set to an invalid non-positive value.");
            }
            if (t.replicationFactor() == 0 || t.replicationFactor() < -1) {
                return new ItemResult(name, Errors.INVALID_REPLICATION_FACTOR,
                        "Replication factor must be larger than 0, or -1 to use the default value.");
            }
            int rf = replicationOf(t, settings);
            if (rf > brokers.size()) {
                return new ItemResult(name, Errors.INVALID_REPLICATION_FACTOR, "Unable to replicate the partition " + rf
                        + " time(s): The target replication factor of " + rf
                        + " cannot be reached because only " + brokers.size() + " broker(s) are registered.");
            }
        } else {
            for (int p = 0; p < t.assignments().size(); p++) {
                List<Integer> replicas = t.assignments().get(p);
                if (replicas == null || replicas.isEmpty()) {
                    return new ItemResult(name, Errors.INVALID_REPLICA_ASSIGNMENT,
                            "Partitions must be numbered 0.." + (t.assignments().size() - 1) + " with at least one replica each.");
                }
                for (int broker : replicas) {
                    if (!image.brokers().containsKey(broker)) {
                        return new ItemResult(name, Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment "
                                + "includes broker " + broker + ", but no such broker is registered.");
                    }
                }
            }
        }
        String badConfig = Controller.validateConfigs(topicConfigs, t.configs());
        if (badConfig != null) {
            return new ItemResult(name, Errors.INVALID_CONFIG, badConfig);
        }
        return null;
    }

    private static int partitionsOf(ControllerCommand.NewTopic t, ControllerSettings settings) {
        return t.numPartitions() == -1 ? settings.defaultPartitions() : t.numPartitions();
    }

    private static int replicationOf(ControllerCommand.NewTopic t, ControllerSettings settings) {
        return t.replicationFactor() == -1 ? settings.defaultReplicationFactor() : t.replicationFactor();
    }

    private static List<List<Integer>> explicit(Map<Integer, List<Integer>> assignments) {
        List<List<Integer>> out = new ArrayList<>();
        for (int p = 0; p < assignments.size(); p++) {
            out.add(List.copyOf(assignments.get(p)));
        }
        return out;
    }

    /** Round-robin placement from a random start; replica i of partition p on broker (start + p + i). */
    static List<List<Integer>> place(List<BrokerRegistration> brokers, int partitions, int rf, Random random) {
        int n = brokers.size();
        int start = n == 0 ? 0 : random.nextInt(n);
        List<List<Integer>> out = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            List<Integer> replicas = new ArrayList<>(rf);
            for (int i = 0; i < rf; i++) {
                replicas.add(brokers.get((start + p + i) % n).id());
            }
            out.add(List.copyOf(replicas));
        }
        return out;
    }

    static Outcome createPartitions(ControllerCommand.CreatePartitions command, MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        List<ItemResult> items = new ArrayList<>();
        List<BrokerRegistration> brokers = Controller.usableBrokers(image);
        Random placementRandom = new Random(image.offset());
        for (ControllerCommand.PartitionIncrease inc : command.topics()) {
            TopicImage topic = image.topic(inc.topic()).orElse(null);
            if (topic == null) {
                items.add(new ItemResult(inc.topic(), Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "Topic " + inc.topic() + " does not exist."));
                continue;
            }
            int current = topic.partitions().size();
            if (inc.totalCount() < current) {
                items.add(new ItemResult(inc.topic(), Errors.INVALID_PARTITIONS, "Topic currently has " + current
                        + " partitions, which is higher than the requested " + inc.totalCount() + "."));
                continue;
            }
            if (inc.totalCount() == current) {
                items.add(new ItemResult(inc.topic(), Errors.INVALID_PARTITIONS, "Topic already has " + current
                        + " partition(s)."));
                continue;
            }
            int added = inc.totalCount() - current;
            if (!inc.assignments().isEmpty() && inc.assignments().size() != added) {
                items.add(new ItemResult(inc.topic(), Errors.INVALID_REPLICA_ASSIGNMENT, "Attempted to add " + added
                        + " additional partition(s), but only " + inc.assignments().size() + " assignment(s) were specified."));
                continue;
            }
            int rf = topic.partitions().get(0).replicas().size();
            if (inc.assignments().isEmpty() && rf > brokers.size()) {
                items.add(new ItemResult(inc.topic(), Errors.INVALID_REPLICATION_FACTOR, "Unable to replicate the partition "
                        + rf + " time(s): only " + brokers.size() + " broker(s) are registered."));
                continue;
            }
            List<List<Integer>> placement = inc.assignments().isEmpty()
                    ? place(brokers, added, rf, placementRandom) : inc.assignments();
            items.add(ItemResult.ok(inc.topic()));
            if (command.validateOnly()) {
                continue;
            }
            for (int i = 0; i < added; i++) {
                List<Integer> replicas = List.copyOf(placement.get(i));
                records.add(new MetadataRecord.Partition(topic.id(), current + i, replicas, replicas, replicas.get(0), 0, 0));
            }
        }
        return new Outcome(records, items, -1);
    }
}
