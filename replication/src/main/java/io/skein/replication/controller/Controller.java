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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;

/**
 * Validates controller commands against a metadata image and decides the records that carry them
 * out, Kafka's errors included. Deterministic given its inputs and random source; nothing here
 * touches state: the caller writes the records to the log and replays them.
 *
 * <p>Threading: used by one thread at a time (the state machine's transaction start, under its lock).
 */
public final class Controller {

    private final ControllerSettings settings;
    private final TopicConfigs topicConfigs = new TopicConfigs();
    private final Random random;

    public Controller(ControllerSettings settings, Random random) {
        this.settings = settings;
        this.random = random;
    }

    public Outcome compute(ControllerCommand command, MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        if (image.clusterId() == null) {
            String clusterId = new Uuid(random.nextLong(), random.nextLong()).toString();
            while (clusterId.startsWith("-")) { // like Kafka's ids: never looks like a command-line flag
                clusterId = new Uuid(random.nextLong(), random.nextLong()).toString();
            }
            records.add(new MetadataRecord.ClusterId(clusterId));
        }
        Outcome outcome;
        if (command instanceof ControllerCommand.CreateTopics c) {
            outcome = TopicCreation.create(c, image, settings, topicConfigs, random);
        } else if (command instanceof ControllerCommand.DeleteTopics c) {
            outcome = deleteTopics(c, image);
        } else if (command instanceof ControllerCommand.CreatePartitions c) {
            outcome = TopicCreation.createPartitions(c, image);
        } else if (command instanceof ControllerCommand.RegisterBroker c) {
            outcome = new Outcome(List.of(new MetadataRecord.RegisterBroker(c.brokerId(), c.incarnationId(),
                    c.endpoints(), c.rack())), List.of(ItemResult.ok(Integer.toString(c.brokerId()))), -1);
        } else if (command instanceof ControllerCommand.AllocateProducerIds c) {
            long start = image.nextProducerId();
            outcome = new Outcome(List.of(new MetadataRecord.ProducerIds(c.brokerId(), start + c.count())),
                    List.of(ItemResult.ok(Integer.toString(c.brokerId()))), start);
        } else if (command instanceof ControllerCommand.Barrier) {
            outcome = new Outcome(List.of(), List.of(), -1);
        } else {
            throw new IllegalArgumentException("unknown command " + command);
        }
        if (records.isEmpty()) {
            return outcome;
        }
        records.addAll(outcome.records());
        return new Outcome(List.copyOf(records), outcome.items(), outcome.producerIdStart());
    }

    private static Outcome deleteTopics(ControllerCommand.DeleteTopics command, MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        List<ItemResult> items = new ArrayList<>();
        Set<Uuid> deleted = new HashSet<>();
        for (ControllerCommand.TopicRef ref : command.topics()) {
            Optional<TopicImage> topic = ref.id() != null ? image.topic(ref.id()) : image.topic(ref.name());
            String key = ref.name() != null ? ref.name() : String.valueOf(ref.id());
            if (topic.isEmpty()) {
                items.add(new ItemResult(key, ref.id() != null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        ref.id() != null ? "Topic id " + ref.id() + " does not exist." : "Topic " + ref.name() + " does not exist."));
                continue;
            }
            if (deleted.add(topic.get().id())) {
                records.add(new MetadataRecord.RemoveTopic(topic.get().id()));
            }
            items.add(ItemResult.ok(key));
        }
        return new Outcome(records, items, -1);
    }

    /** Unfenced brokers in id order, the candidates for replicas. */
    static List<BrokerRegistration> usableBrokers(MetadataImage image) {
        return image.brokers().values().stream().filter(b -> !b.fenced()).toList();
    }

    static String validateTopicName(String name) {
        try {
            Topic.validate(name);
            return null;
        } catch (InvalidTopicException e) {
            return e.getMessage();
        }
    }

    static String validateConfigs(TopicConfigs topicConfigs, Map<String, String> configs) {
        for (Map.Entry<String, String> e : configs.entrySet()) {
            try {
                if (e.getValue() == null) {
                    throw new ConfigException("Null value not supported for topic config " + e.getKey());
                }
                topicConfigs.validate(e.getKey(), e.getValue());
            } catch (ConfigException ex) {
                return ex.getMessage();
            }
        }
        return null;
    }
}
