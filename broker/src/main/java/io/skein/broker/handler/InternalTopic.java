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
 * A coordinator's internal topic ({@code __consumer_offsets}, {@code __transaction_state}):
 * created through the controller on first use with the configured partition count, a replication
 * factor capped at the registered brokers, and {@code cleanup.policy=compact}, as Kafka creates
 * them.
 *
 * <p>Immutable apart from its collaborators; safe from any thread.
 */
public final class InternalTopic {

    private static final Logger log = LoggerFactory.getLogger(InternalTopic.class);

    private final MetadataQuorum quorum;
    private final String name;
    private final int partitions;
    private final short configuredReplicationFactor;
    private final String replicationFactorKey;
    private final Map<String, String> topicConfigs;

    private InternalTopic(MetadataQuorum quorum, String name, int partitions, short replicationFactor,
                          String replicationFactorKey, Map<String, String> topicConfigs) {
        this.quorum = quorum;
        this.name = name;
        this.partitions = partitions;
        this.configuredReplicationFactor = replicationFactor;
        this.replicationFactorKey = replicationFactorKey;
        this.topicConfigs = topicConfigs;
    }

    /** {@code __consumer_offsets} from the {@code offsets.topic.*} keys. */
    public static InternalTopic offsets(MetadataQuorum quorum, BrokerConfig config) {
        return new InternalTopic(quorum, Topic.GROUP_METADATA_TOPIC_NAME,
                config.getInt(BrokerConfigDef.OFFSETS_TOPIC_NUM_PARTITIONS),
                config.getShort(BrokerConfigDef.OFFSETS_TOPIC_REPLICATION_FACTOR),
                BrokerConfigDef.OFFSETS_TOPIC_REPLICATION_FACTOR, Map.of(
                        "cleanup.policy", "compact",
                        "segment.bytes", String.valueOf(config.getInt(BrokerConfigDef.OFFSETS_TOPIC_SEGMENT_BYTES)),
                        "compression.type", "producer"));
    }

    /** {@code __transaction_state} from the {@code transaction.state.log.*} keys. */
    public static InternalTopic transactionState(MetadataQuorum quorum, BrokerConfig config) {
        return new InternalTopic(quorum, Topic.TRANSACTION_STATE_TOPIC_NAME,
                config.getInt(BrokerConfigDef.TRANSACTION_STATE_LOG_NUM_PARTITIONS),
                config.getShort(BrokerConfigDef.TRANSACTION_STATE_LOG_REPLICATION_FACTOR),
                BrokerConfigDef.TRANSACTION_STATE_LOG_REPLICATION_FACTOR, Map.of(
                        "cleanup.policy", "compact",
                        "segment.bytes", String.valueOf(
                                config.getInt(BrokerConfigDef.TRANSACTION_STATE_LOG_SEGMENT_BYTES)),
                        "min.insync.replicas", String.valueOf(
                                config.getInt(BrokerConfigDef.TRANSACTION_STATE_LOG_MIN_ISR)),
                        "unclean.leader.election.enable", "false",
                        "compression.type", "uncompressed"));
    }

    public String name() {
        return name;
    }

    /**
     * The topic configs, with {@code min.insync.replicas} at most the replication factor: a
     * replication factor capped at the registered brokers must not leave a minimum no ISR can meet.
     */
    private Map<String, String> cappedMinInsyncReplicas(short replicationFactor) {
        String minIsr = topicConfigs.get("min.insync.replicas");
        if (minIsr == null || Integer.parseInt(minIsr) <= replicationFactor) {
            return topicConfigs;
        }
        Map<String, String> capped = new java.util.HashMap<>(topicConfigs);
        capped.put("min.insync.replicas", String.valueOf(replicationFactor));
        return Map.copyOf(capped);
    }

    /** Completes with an image that has the topic, creating it first when needed. */
    public CompletableFuture<MetadataImage> ensureExists() {
        MetadataImage image = quorum.image();
        if (image.topic(name).isPresent()) {
            return CompletableFuture.completedFuture(image);
        }
        int brokers = Math.max(1, (int) image.brokers().values().stream().filter(b -> !b.fenced()).count());
        short replicationFactor = (short) Math.min(configuredReplicationFactor, brokers);
        ControllerCommand.NewTopic topic = new ControllerCommand.NewTopic(name, partitions, replicationFactor,
                Map.of(), cappedMinInsyncReplicas(replicationFactor));
        return quorum.submit(new ControllerCommand.CreateTopics(List.of(topic), false)).thenCompose(result -> {
            ControllerResult.ItemResult item = result.items().isEmpty() ? null : result.items().get(0);
            if (item != null && item.error() != Errors.NONE && item.error() != Errors.TOPIC_ALREADY_EXISTS) {
                return CompletableFuture.failedFuture(new IllegalStateException(item.error() + " "
                        + (item.message() == null ? "" : item.message())));
            }
            if (item != null && item.error() == Errors.NONE) {
                log.info("Created {} with {} partitions and replication factor {}{}", name, partitions,
                        replicationFactor, replicationFactor < configuredReplicationFactor ? " ("
                                + replicationFactorKey + "=" + configuredReplicationFactor + " capped at the "
                                + brokers + " registered broker(s))" : "");
            }
            return quorum.awaitApplied(result.offset());
        });
    }
}
