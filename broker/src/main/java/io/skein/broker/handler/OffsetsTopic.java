package io.skein.broker.handler;

import io.skein.broker.config.BrokerConfig;
import io.skein.broker.config.BrokerConfigDef;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal {@code __consumer_offsets} topic: created through the controller on first use with
 * {@code offsets.topic.num.partitions}, a replication factor of
 * {@code offsets.topic.replication.factor} capped at the registered brokers, and
 * {@code cleanup.policy=compact}.
 *
 * <p>Stateless apart from its collaborators; safe from any thread.
 */
public final class OffsetsTopic {

    private static final Logger log = LoggerFactory.getLogger(OffsetsTopic.class);

    private final MetadataQuorum quorum;
    private final BrokerConfig config;

    public OffsetsTopic(MetadataQuorum quorum, BrokerConfig config) {
        this.quorum = quorum;
        this.config = config;
    }

    /** Completes with an image that has the topic, creating it first when needed. */
    public CompletableFuture<MetadataImage> ensureExists() {
        MetadataImage image = quorum.image();
        if (image.topic(Topic.GROUP_METADATA_TOPIC_NAME).isPresent()) {
            return CompletableFuture.completedFuture(image);
        }
        int partitions = config.getInt(BrokerConfigDef.OFFSETS_TOPIC_NUM_PARTITIONS);
        int brokers = Math.max(1, (int) image.brokers().values().stream().filter(b -> !b.fenced()).count());
        short configured = config.getShort(BrokerConfigDef.OFFSETS_TOPIC_REPLICATION_FACTOR);
        short replicationFactor = (short) Math.min(configured, brokers);
        Map<String, String> topicConfigs = Map.of(
                "cleanup.policy", "compact",
                "segment.bytes", String.valueOf(config.getInt(BrokerConfigDef.OFFSETS_TOPIC_SEGMENT_BYTES)),
                "compression.type", "producer");
        ControllerCommand.NewTopic topic = new ControllerCommand.NewTopic(Topic.GROUP_METADATA_TOPIC_NAME, partitions,
                replicationFactor, Map.of(), topicConfigs);
        return quorum.submit(new ControllerCommand.CreateTopics(List.of(topic), false)).thenCompose(result -> {
            ControllerResult.ItemResult item = result.items().isEmpty() ? null : result.items().get(0);
            if (item != null && item.error() != Errors.NONE && item.error() != Errors.TOPIC_ALREADY_EXISTS) {
                return CompletableFuture.failedFuture(new IllegalStateException(item.error() + " "
                        + (item.message() == null ? "" : item.message())));
            }
            if (item != null && item.error() == Errors.NONE) {
                log.info("Created {} with {} partitions and replication factor {}{}", Topic.GROUP_METADATA_TOPIC_NAME,
                        partitions, replicationFactor, replicationFactor < configured ? " (offsets.topic.replication.factor="
                                + configured + " capped at the " + brokers + " registered broker(s))" : "");
            }
            return quorum.awaitApplied(result.offset());
        });
    }
}
