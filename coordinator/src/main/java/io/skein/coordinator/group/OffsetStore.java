package io.skein.coordinator.group;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The committed offsets of the groups of one shard, as last written to its log.
 *
 * <p>Threading: guarded by the owning {@link GroupShard}'s lock.
 */
final class OffsetStore {

    private final Map<String, Map<TopicPartition, CommittedOffset>> byGroup = new HashMap<>();

    void put(String group, TopicPartition tp, CommittedOffset offset) {
        byGroup.computeIfAbsent(group, g -> new HashMap<>()).put(tp, offset);
    }

    void remove(String group, TopicPartition tp) {
        Map<TopicPartition, CommittedOffset> offsets = byGroup.get(group);
        if (offsets != null) {
            offsets.remove(tp);
            if (offsets.isEmpty()) {
                byGroup.remove(group);
            }
        }
    }

    void removeGroup(String group) {
        byGroup.remove(group);
    }

    CommittedOffset get(String group, TopicPartition tp) {
        Map<TopicPartition, CommittedOffset> offsets = byGroup.get(group);
        return offsets == null ? null : offsets.get(tp);
    }

    /** The group's offsets; an empty map when it has none. Do not modify. */
    Map<TopicPartition, CommittedOffset> of(String group) {
        return byGroup.getOrDefault(group, Map.of());
    }

    boolean hasOffsets(String group) {
        return byGroup.containsKey(group);
    }

    Set<String> groups() {
        return byGroup.keySet();
    }
}
