package io.skein.replication.controller;

import io.skein.log.api.TopicConfigs;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.QuorumSettings.ControllerSettings;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * The active controller's decisions: validates a command against a metadata image and computes
 * the records that carry it out plus the answer for the client, with Kafka's errors. Nothing here
 * touches state or does I/O; the caller writes the records to the log and every node replays them.
 * Every random choice (cluster id, topic ids, replica placement) is made here and written into
 * the records, so replay is deterministic.
 *
 * <p>If the image has no cluster id yet, the first command computed writes one (a random Uuid,
 * printed in URL-safe base64 like Kafka's cluster ids) ahead of its own records.
 *
 * <p>Threading: not thread-safe; one thread computes at a time (the state machine serialises calls).
 */
public final class Controller {

    private final Random random;
    private final TopicCreation topicCreation;
    private final PartitionCreation partitionCreation;
    private final TopicConfigAlteration topicConfigAlteration;
    private final AclChanges aclChanges;

    /**
     * @param random source of ids and placement offsets (seed it in tests)
     */
    public Controller(ControllerSettings settings, Random random) {
        this.random = random;
        ReplicaPlacer placer = new ReplicaPlacer(random);
        this.topicCreation = new TopicCreation(settings, new TopicConfigs(), placer, random);
        this.partitionCreation = new PartitionCreation(placer);
        this.topicConfigAlteration = new TopicConfigAlteration(new TopicConfigs());
        this.aclChanges = new AclChanges(random);
    }

    public Outcome compute(ControllerCommand command, MetadataImage image) {
        Outcome outcome;
        if (command instanceof ControllerCommand.CreateTopics c) {
            outcome = topicCreation.create(c, image);
        } else if (command instanceof ControllerCommand.DeleteTopics c) {
            outcome = TopicDeletion.delete(c, image);
        } else if (command instanceof ControllerCommand.CreatePartitions c) {
            outcome = partitionCreation.create(c, image);
        } else if (command instanceof ControllerCommand.RegisterBroker c) {
            outcome = BrokerLifecycle.register(c, image);
        } else if (command instanceof ControllerCommand.FenceBroker c) {
            outcome = BrokerLifecycle.fence(c, image);
        } else if (command instanceof ControllerCommand.UnfenceBroker c) {
            outcome = BrokerLifecycle.unfence(c, image);
        } else if (command instanceof ControllerCommand.AllocateProducerIds c) {
            outcome = allocateProducerIds(c, image);
        } else if (command instanceof ControllerCommand.AlterScramCredentials c) {
            outcome = ScramCredentialAlteration.alter(c, image);
        } else if (command instanceof ControllerCommand.AlterTopicConfigs c) {
            outcome = topicConfigAlteration.alter(c, image);
        } else if (command instanceof ControllerCommand.CreateAcls c) {
            outcome = aclChanges.create(c, image);
        } else if (command instanceof ControllerCommand.DeleteAcls c) {
            outcome = AclChanges.delete(c, image);
        } else if (command instanceof ControllerCommand.ElectLeaders c) {
            outcome = ManualElection.elect(c, image);
        } else if (command instanceof ControllerCommand.AlterPartitionReassignments c) {
            outcome = PartitionReassignment.alter(c, image);
        } else if (command instanceof ControllerCommand.Barrier) {
            outcome = new Outcome(List.of(), List.of(), -1);
        } else {
            throw new IllegalArgumentException("unknown controller command " + command);
        }
        if (image.clusterId() != null) {
            return outcome;
        }
        List<MetadataRecord> records = new ArrayList<>(outcome.records().size() + 1);
        records.add(new MetadataRecord.ClusterId(newClusterId()));
        records.addAll(outcome.records());
        return new Outcome(List.copyOf(records), outcome.items(), outcome.producerIdStart());
    }

    private static Outcome allocateProducerIds(ControllerCommand.AllocateProducerIds c, MetadataImage image) {
        String key = Integer.toString(c.brokerId());
        if (c.count() <= 0) {
            return new Outcome(List.of(), List.of(new ItemResult(key, Errors.INVALID_REQUEST,
                    "The producer id block size must be positive.")), -1);
        }
        long start = image.nextProducerId();
        if (start > Long.MAX_VALUE - c.count()) {
            return new Outcome(List.of(), List.of(new ItemResult(key, Errors.UNKNOWN_SERVER_ERROR,
                    "Exhausted all producerIds as the next block's end producerId has exceeded the int64 type limit")),
                    -1);
        }
        return new Outcome(List.of(new MetadataRecord.ProducerIds(c.brokerId(), start + c.count())),
                List.of(ItemResult.ok(key)), start);
    }

    private String newClusterId() {
        while (true) {
            Uuid id = new Uuid(random.nextLong(), random.nextLong());
            // Like Kafka's ids: never reserved, never looking like a command-line flag.
            if (!Uuid.RESERVED.contains(id) && !id.toString().startsWith("-")) {
                return id.toString();
            }
        }
    }
}
