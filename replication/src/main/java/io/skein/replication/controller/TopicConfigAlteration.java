package io.skein.replication.controller;

import io.skein.log.api.TopicConfigs;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.protocol.Errors;

/**
 * Topic config changes (IncrementalAlterConfigs and AlterConfigs): applies each topic's
 * operations to its current overrides, validates the result with Kafka's topic config rules and
 * writes one Config record per key that changed. A topic with any bad operation changes nothing.
 *
 * <p>Stateless apart from the config definitions.
 */
final class TopicConfigAlteration {

    private final TopicConfigs topicConfigs;

    TopicConfigAlteration(TopicConfigs topicConfigs) {
        this.topicConfigs = topicConfigs;
    }

    Outcome alter(ControllerCommand.AlterTopicConfigs command, MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        List<ItemResult> items = new ArrayList<>();
        for (ControllerCommand.TopicConfigChange change : command.topics()) {
            Optional<MetadataImage.TopicImage> topic = image.topic(change.topic());
            if (topic.isEmpty()) {
                items.add(new ItemResult(change.topic(), Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "Topic " + change.topic() + " does not exist."));
                continue;
            }
            Map<String, String> current = topic.get().configs();
            Map<String, String> next = new LinkedHashMap<>(change.replaceAll() ? Map.of() : current);
            ItemResult problem = apply(change, next);
            if (problem == null) {
                problem = TopicValidation.configs(change.topic(), topicConfigs, next);
            }
            if (problem != null) {
                items.add(problem);
                continue;
            }
            items.add(ItemResult.ok(change.topic()));
            if (command.validateOnly()) {
                continue;
            }
            Set<String> keys = new HashSet<>(current.keySet());
            keys.addAll(next.keySet());
            for (String key : keys) {
                if (!Objects.equals(current.get(key), next.get(key))) {
                    records.add(new MetadataRecord.Config(topic.get().id(), key, next.get(key)));
                }
            }
        }
        return new Outcome(List.copyOf(records), List.copyOf(items), -1);
    }

    private ItemResult apply(ControllerCommand.TopicConfigChange change, Map<String, String> configs) {
        Set<String> seen = new HashSet<>();
        for (ControllerCommand.ConfigOp op : change.ops()) {
            String key = op.key();
            if (!seen.add(key)) {
                return new ItemResult(change.topic(), Errors.INVALID_REQUEST,
                        "Error due to duplicate config keys: " + key);
            }
            if (!topicConfigs.isKnown(key)) {
                return new ItemResult(change.topic(), Errors.INVALID_CONFIG, "Unknown topic config name: " + key);
            }
            boolean isList = topicConfigs.definition().configKeys().get(key).type == ConfigDef.Type.LIST;
            switch (op.op()) {
                case ControllerCommand.ConfigOp.SET -> {
                    if (op.value() == null) {
                        return new ItemResult(change.topic(), Errors.INVALID_REQUEST,
                                "Null value not supported for : " + key);
                    }
                    configs.put(key, op.value());
                }
                case ControllerCommand.ConfigOp.DELETE -> configs.remove(key);
                case ControllerCommand.ConfigOp.APPEND, ControllerCommand.ConfigOp.SUBTRACT -> {
                    if (!isList) {
                        return new ItemResult(change.topic(), Errors.INVALID_CONFIG, "Config value append is not "
                                + "allowed for config key: " + key);
                    }
                    List<String> values = new ArrayList<>(listOf(configs.getOrDefault(key,
                            defaultOf(key))));
                    for (String v : listOf(op.value())) {
                        if (op.op() == ControllerCommand.ConfigOp.APPEND) {
                            if (!values.contains(v)) {
                                values.add(v);
                            }
                        } else {
                            values.remove(v);
                        }
                    }
                    configs.put(key, String.join(",", values));
                }
                default -> {
                    return new ItemResult(change.topic(), Errors.INVALID_REQUEST, "Unknown config operation "
                            + op.op() + " for " + key);
                }
            }
        }
        return null;
    }

    private String defaultOf(String key) {
        Object value = topicConfigs.definition().configKeys().get(key).defaultValue;
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return value == null ? "" : value.toString();
    }

    private static List<String> listOf(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
