package io.skein.coordinator.group;

import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * The topics of the cluster as the coordinator needs them for server-side assignment: names,
 * ids and partition counts, from the current metadata image. Safe to call from any thread.
 */
public interface TopicsView {

    /** A topic's id and partition count. */
    record TopicInfo(String name, Uuid id, int partitions) {
    }

    Optional<TopicInfo> byName(String name);

    Optional<TopicInfo> byId(Uuid id);

    /** No topics at all; for coordinators that serve only classic groups (tests). */
    TopicsView NONE = new TopicsView() {
        @Override
        public Optional<TopicInfo> byName(String name) {
            return Optional.empty();
        }

        @Override
        public Optional<TopicInfo> byId(Uuid id) {
            return Optional.empty();
        }
    };
}
