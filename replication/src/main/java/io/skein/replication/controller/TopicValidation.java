package io.skein.replication.controller;

import io.skein.log.api.TopicConfigs;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;

/**
 * Checks shared by the topic commands, each answering with Kafka's error code and message, or
 * null when the input is fine.
 *
 * <p>Stateless.
 */
final class TopicValidation {

    private TopicValidation() {
    }

    static ItemResult topicName(String name) {
        try {
            Topic.validate(name);
            return null;
        } catch (InvalidTopicException e) {
            return new ItemResult(name, Errors.INVALID_TOPIC_EXCEPTION, e.getMessage());
        }
    }

    static ItemResult configs(String topic, TopicConfigs topicConfigs, Map<String, String> configs) {
        for (Map.Entry<String, String> e : configs.entrySet()) {
            if (e.getValue() == null) {
                return new ItemResult(topic, Errors.INVALID_CONFIG, "Null value not supported for topic configs: "
                        + e.getKey());
            }
            try {
                topicConfigs.validate(e.getKey(), e.getValue());
            } catch (ConfigException ex) {
                return new ItemResult(topic, Errors.INVALID_CONFIG, ex.getMessage());
            }
        }
        return null;
    }

    /**
     * A replica assignment given by the client: every list non-empty, equally long, without
     * duplicates, and naming registered brokers only.
     */
    static ItemResult manualAssignment(String topic, List<List<Integer>> assignment, MetadataImage image) {
        int replicationFactor = -1;
        for (int p = 0; p < assignment.size(); p++) {
            List<Integer> replicas = assignment.get(p);
            if (replicas == null || replicas.isEmpty()) {
                return new ItemResult(topic, Errors.INVALID_REPLICA_ASSIGNMENT,
                        "The manual partition assignment includes an empty replica list.");
            }
            if (replicationFactor != -1 && replicas.size() != replicationFactor) {
                return new ItemResult(topic, Errors.INVALID_REPLICA_ASSIGNMENT, "All partitions in the manual "
                        + "partition assignment must have the same number of replicas.");
            }
            replicationFactor = replicas.size();
            Set<Integer> seen = new HashSet<>();
            for (int broker : replicas) {
                if (!seen.add(broker)) {
                    return new ItemResult(topic, Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition "
                            + "assignment includes the broker " + broker + " more than once.");
                }
                if (!image.brokers().containsKey(broker)) {
                    return new ItemResult(topic, Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition "
                            + "assignment includes broker " + broker + ", but no such broker is registered.");
                }
            }
        }
        return null;
    }

    static ItemResult replicationFactorReachable(String topic, int replicationFactor, int brokers) {
        if (replicationFactor <= brokers) {
            return null;
        }
        return new ItemResult(topic, Errors.INVALID_REPLICATION_FACTOR, "Unable to replicate the partition "
                + replicationFactor + " time(s): The target replication factor of " + replicationFactor
                + " cannot be reached because only " + brokers + " broker(s) are registered.");
    }
}
