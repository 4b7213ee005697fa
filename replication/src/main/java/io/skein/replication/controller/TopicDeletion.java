package io.skein.replication.controller;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataImage.TopicImage;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteTopics by name or by id: one removal record per topic. Results are keyed by the topic's
 * name, or by the id as given when no topic has it. Unknown names answer
 * UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID, a topic named twice INVALID_REQUEST.
 *
 * <p>Stateless.
 */
final class TopicDeletion {

    private TopicDeletion() {
    }

    static Outcome delete(ControllerCommand.DeleteTopics command, MetadataImage image) {
        Map<Object, Integer> occurrences = new HashMap<>();
        command.topics().forEach(ref -> occurrences.merge(refKey(ref), 1, Integer::sum));
        List<MetadataRecord> records = new ArrayList<>();
        List<ItemResult> items = new ArrayList<>();
        for (ControllerCommand.TopicRef ref : command.topics()) {
            boolean byId = ref.id() != null && !Uuid.ZERO_UUID.equals(ref.id());
            Optional<TopicImage> topic = byId ? image.topic(ref.id()) : image.topic(ref.name());
            String key = topic.map(TopicImage::name).orElse(byId ? ref.id().toString() : ref.name());
            if (byId && ref.name() != null) {
                items.add(new ItemResult(key, Errors.INVALID_REQUEST, "Either a topic name or a topic id must be "
                        + "given, not both."));
            } else if (occurrences.get(refKey(ref)) > 1) {
                items.add(new ItemResult(key, Errors.INVALID_REQUEST, byId ? "Duplicate topic id." : "Duplicate topic name."));
            } else if (topic.isEmpty()) {
                items.add(byId
                        ? new ItemResult(key, Errors.UNKNOWN_TOPIC_ID, Errors.UNKNOWN_TOPIC_ID.message())
                        : new ItemResult(key, Errors.UNKNOWN_TOPIC_OR_PARTITION,
                                Errors.UNKNOWN_TOPIC_OR_PARTITION.message()));
            } else {
                records.add(new MetadataRecord.RemoveTopic(topic.get().id()));
                items.add(ItemResult.ok(key));
            }
        }
        return new Outcome(records, items, -1);
    }

    private static Object refKey(ControllerCommand.TopicRef ref) {
        return ref.id() != null && !Uuid.ZERO_UUID.equals(ref.id()) ? ref.id() : ref.name();
    }
}
