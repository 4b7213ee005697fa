package io.skein.replication.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerCommand.NewTopic;
import io.skein.replication.api.ControllerResult.ItemResult;
import io.skein.replication.api.Endpoint;
import io.skein.replication.api.MetadataImage.PartitionState;
import io.skein.replication.api.MetadataImage.TopicImage;
import io.skein.replication.api.QuorumSettings.ControllerSettings;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ControllerTest {

    private final Controller controller = new Controller(new ControllerSettings(2, (short) 1, Map.of()), new Random(7));

    /** An image with a cluster id and brokers 1..n registered, at offset 0. */
    private static ImageState cluster(int brokers) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.ClusterId("test-cluster"));
        for (int id = 1; id <= brokers; id++) {
            records.add(new MetadataRecord.RegisterBroker(id, Uuid.randomUuid(),
                    List.of(new Endpoint("PLAINTEXT", "localhost", 9090 + id, "PLAINTEXT")), null, false));
        }
        return ImageState.empty().replay(records, 0);
    }

    private static NewTopic topic(String name, int partitions, int replicationFactor) {
        return new NewTopic(name, partitions, (short) replicationFactor, Map.of(), Map.of());
    }

    private Outcome create(ImageState image, NewTopic... topics) {
        return controller.compute(new ControllerCommand.CreateTopics(List.of(topics), false), image);
    }

    private static ImageState apply(ImageState image, Outcome outcome) {
        return image.replay(outcome.records(), image.offset() + 1);
    }

    private static ItemResult only(Outcome outcome) {
        assertEquals(1, outcome.items().size());
        return outcome.items().get(0);
    }

    @Test
    void createsTopicWithReplicasLeaderIsrAndConfigs() {
        NewTopic orders = new NewTopic("orders", 3, (short) 2, Map.of(), Map.of("retention.ms", "1000"));

        Outcome outcome = create(cluster(3), orders);

        assertEquals(ItemResult.ok("orders"), only(outcome));
        TopicImage topic = apply(cluster(3), outcome).topic("orders").orElseThrow();
        assertEquals(3, topic.partitions().size());
        assertEquals(Map.of("retention.ms", "1000"), topic.configs());
        for (PartitionState p : topic.partitions().values()) {
            assertEquals(2, p.replicas().size());
            assertEquals(p.replicas(), p.isr());
            assertEquals(p.replicas().get(0), p.leader());
            assertEquals(0, p.leaderEpoch());
        }
    }

    @Test
    void placesReplicasRoundRobinSoLeadersSpreadEvenly() {
        Outcome outcome = create(cluster(3), topic("spread", 6, 3));

        TopicImage topic = apply(cluster(3), outcome).topic("spread").orElseThrow();
        Map<Integer, Integer> leaders = new HashMap<>();
        for (PartitionState p : topic.partitions().values()) {
            assertEquals(3, p.replicas().stream().distinct().count());
            leaders.merge(p.leader(), 1, Integer::sum);
            int next = topic.partitions().get((p.partition() + 1) % 6).leader();
            assertEquals(p.leader() % 3 + 1, next, "consecutive partitions lead on consecutive brokers");
        }
        assertEquals(Map.of(1, 2, 2, 2, 3, 2), leaders);
    }

    @Test
    void startsPlacementAtARandomBroker() {
        java.util.Set<Integer> firstLeaders = new java.util.HashSet<>();
        for (int seed = 0; seed < 30; seed++) {
            Controller seeded = new Controller(new ControllerSettings(1, (short) 1, Map.of()), new Random(seed));
            Outcome outcome = seeded.compute(new ControllerCommand.CreateTopics(List.of(topic("t", 1, 1)), false),
                    cluster(3));
            firstLeaders.add(apply(cluster(3), outcome).topic("t").orElseThrow().partitions().get(0).leader());
        }

        assertEquals(java.util.Set.of(1, 2, 3), firstLeaders);
    }

    @Test
    void usesDefaultsForMinusOne() {
        Outcome outcome = create(cluster(1), topic("defaults", -1, -1));

        TopicImage topic = apply(cluster(1), outcome).topic("defaults").orElseThrow();
        assertEquals(2, topic.partitions().size());
        assertEquals(1, topic.partitions().get(0).replicas().size());
    }

    @Test
    void usesManualAssignment() {
        NewTopic manual = new NewTopic("manual", -1, (short) -1, Map.of(0, List.of(2, 1), 1, List.of(1, 2)), Map.of());

        Outcome outcome = create(cluster(2), manual);

        TopicImage topic = apply(cluster(2), outcome).topic("manual").orElseThrow();
        assertEquals(List.of(2, 1), topic.partitions().get(0).replicas());
        assertEquals(1, topic.partitions().get(1).leader());
    }

    @Test
    void rejectsInvalidTopicNameWithKafkasMessage() {
        String kafkaMessage = null;
        try {
            Topic.validate("bad/name");
        } catch (InvalidTopicException e) {
            kafkaMessage = e.getMessage();
        }

        ItemResult result = only(create(cluster(1), topic("bad/name", 1, 1)));

        assertNotNull(kafkaMessage);
        assertEquals(new ItemResult("bad/name", Errors.INVALID_TOPIC_EXCEPTION, kafkaMessage), result);
    }

    @Test
    void rejectsExistingTopic() {
        ImageState image = apply(cluster(1), create(cluster(1), topic("x", 1, 1)));

        Outcome again = create(image, topic("x", 1, 1));

        assertEquals(new ItemResult("x", Errors.TOPIC_ALREADY_EXISTS, "Topic 'x' already exists."), only(again));
        assertTrue(again.records().isEmpty());
    }

    @Test
    void rejectsNonPositivePartitionCounts() {
        Outcome outcome = create(cluster(1), topic("zero", 0, 1), topic("negative", -2, 1));

        for (ItemResult item : outcome.items()) {
            assertEquals(Errors.INVALID_PARTITIONS, item.error());
            assertEquals("Number of partitions was set to an invalid non-positive value.", item.message());
        }
        assertTrue(outcome.records().isEmpty());
    }

    @Test
    void rejectsNonPositiveReplicationFactors() {
        Outcome outcome = create(cluster(1), topic("zero", 1, 0), topic("negative", 1, -3));

        for (ItemResult item : outcome.items()) {
            assertEquals(Errors.INVALID_REPLICATION_FACTOR, item.error());
        }
    }

    @Test
    void rejectsReplicationFactorAboveRegisteredBrokers() {
        ItemResult result = only(create(cluster(1), topic("big", 1, 3)));

        assertEquals(new ItemResult("big", Errors.INVALID_REPLICATION_FACTOR, "Unable to replicate the partition 3 "
                + "time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are "
                + "registered."), result);
    }

    @Test
    void rejectsAssignmentsTogetherWithCounts() {
        NewTopic both = new NewTopic("both", 1, (short) -1, Map.of(0, List.of(1)), Map.of());

        ItemResult result = only(create(cluster(1), both));

        assertEquals(Errors.INVALID_REQUEST, result.error());
        assertEquals("A manual partition assignment was specified, but numPartitions was not set to -1.",
                result.message());
    }

    @Test
    void rejectsAssignmentToUnknownBroker() {
        NewTopic manual = new NewTopic("m", -1, (short) -1, Map.of(0, List.of(9)), Map.of());

        assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT, only(create(cluster(1), manual)).error());
    }

    @Test
    void rejectsUnknownConfigName() {
        NewTopic t = new NewTopic("c", 1, (short) 1, Map.of(), Map.of("no.such.config", "1"));

        assertEquals(new ItemResult("c", Errors.INVALID_CONFIG, "Unknown topic config name: no.such.config"),
                only(create(cluster(1), t)));
    }

    @Test
    void rejectsInvalidConfigValue() {
        NewTopic t = new NewTopic("c", 1, (short) 1, Map.of(), Map.of("retention.ms", "soon"));

        ItemResult result = only(create(cluster(1), t));

        assertEquals(Errors.INVALID_CONFIG, result.error());
        assertEquals("Invalid value soon for configuration retention.ms: Not a number of type LONG", result.message());
    }

    @Test
    void rejectsBothCopiesOfADuplicateNameButCreatesTheRest() {
        Outcome outcome = create(cluster(1), topic("dup", 1, 1), topic("fine", 1, 1), topic("dup", 1, 1));

        assertEquals(new ItemResult("dup", Errors.INVALID_REQUEST, "Duplicate topic name."), outcome.items().get(0));
        assertEquals(ItemResult.ok("fine"), outcome.items().get(1));
        assertEquals(Errors.INVALID_REQUEST, outcome.items().get(2).error());
        ImageState image = apply(cluster(1), outcome);
        assertTrue(image.topic("fine").isPresent());
        assertTrue(image.topic("dup").isEmpty());
    }

    @Test
    void validateOnlyAnswersWithoutWritingRecords() {
        Outcome outcome = controller.compute(new ControllerCommand.CreateTopics(
                List.of(topic("ok", 1, 1), topic("bad", 1, 5)), true), cluster(1));

        assertEquals(ItemResult.ok("ok"), outcome.items().get(0));
        assertEquals(Errors.INVALID_REPLICATION_FACTOR, outcome.items().get(1).error());
        assertTrue(outcome.records().isEmpty());
    }

    @Test
    void deletesTopicsByNameAndById() {
        ImageState image = apply(cluster(1), create(cluster(1), topic("a", 1, 1), topic("b", 1, 1)));
        Uuid b = image.topic("b").orElseThrow().id();

        Outcome outcome = controller.compute(new ControllerCommand.DeleteTopics(List.of(
                new ControllerCommand.TopicRef("a", null), new ControllerCommand.TopicRef(null, b))), image);

        assertEquals(List.of(ItemResult.ok("a"), ItemResult.ok("b")), outcome.items());
        assertTrue(apply(image, outcome).topics().isEmpty());
    }

    @Test
    void answersUnknownTopicByNameAndById() {
        Uuid unknown = Uuid.randomUuid();

        Outcome outcome = controller.compute(new ControllerCommand.DeleteTopics(List.of(
                new ControllerCommand.TopicRef("nope", null), new ControllerCommand.TopicRef(null, unknown))), cluster(1));

        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, outcome.items().get(0).error());
        assertEquals("nope", outcome.items().get(0).key());
        assertEquals(Errors.UNKNOWN_TOPIC_ID, outcome.items().get(1).error());
        assertEquals(unknown.toString(), outcome.items().get(1).key());
        assertTrue(outcome.records().isEmpty());
    }

    @Test
    void createsAdditionalPartitions() {
        ImageState image = apply(cluster(2), create(cluster(2), topic("grow", 2, 2)));

        Outcome outcome = controller.compute(new ControllerCommand.CreatePartitions(List.of(
                new ControllerCommand.PartitionIncrease("grow", 5, List.of())), false), image);

        assertEquals(ItemResult.ok("grow"), only(outcome));
        TopicImage topic = apply(image, outcome).topic("grow").orElseThrow();
        assertEquals(5, topic.partitions().size());
        assertEquals(2, topic.partitions().get(4).replicas().size());
    }

    @Test
    void refusesToShrinkPartitions() {
        ImageState image = apply(cluster(1), create(cluster(1), topic("t", 3, 1)));

        Outcome outcome = controller.compute(new ControllerCommand.CreatePartitions(List.of(
                new ControllerCommand.PartitionIncrease("t", 2, List.of())), false), image);

        assertEquals(new ItemResult("t", Errors.INVALID_PARTITIONS,
                "Topic currently has 3 partitions, which is higher than the requested 2."), only(outcome));
    }

    @Test
    void refusesPartitionsForUnknownTopic() {
        Outcome outcome = controller.compute(new ControllerCommand.CreatePartitions(List.of(
                new ControllerCommand.PartitionIncrease("ghost", 2, List.of())), false), cluster(1));

        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, only(outcome).error());
    }

    @Test
    void reRegisteringABrokerReplacesItsEndpoints() {
        ImageState image = cluster(1);
        Endpoint moved = new Endpoint("PLAINTEXT", "new-host", 19092, "PLAINTEXT");

        Outcome outcome = controller.compute(new ControllerCommand.RegisterBroker(1, Uuid.randomUuid(),
                List.of(moved), "rack-b"), image);

        ImageState after = apply(image, outcome);
        assertEquals(List.of(moved), after.brokers().get(1).endpoints());
        assertEquals("rack-b", after.brokers().get(1).rack());
        assertEquals(1, after.brokers().size());
    }

    @Test
    void allocatesConsecutiveProducerIdBlocksFromZero() {
        ImageState image = cluster(1);
        Outcome first = controller.compute(new ControllerCommand.AllocateProducerIds(1, 1000), image);
        image = apply(image, first);

        Outcome second = controller.compute(new ControllerCommand.AllocateProducerIds(1, 1000), image);

        assertEquals(0, first.producerIdStart());
        assertEquals(1000, second.producerIdStart());
        assertEquals(2000, apply(image, second).nextProducerId());
    }

    @Test
    void writesAClusterIdOnlyWhenTheImageHasNone() {
        Outcome fresh = controller.compute(new ControllerCommand.Barrier(), ImageState.empty());
        Outcome known = controller.compute(new ControllerCommand.Barrier(), cluster(1));

        MetadataRecord.ClusterId id = (MetadataRecord.ClusterId) fresh.records().get(0);
        assertEquals(22, id.clusterId().length(), "base64 of 16 bytes, like Kafka's cluster ids");
        assertNotEquals('-', id.clusterId().charAt(0));
        assertTrue(known.records().isEmpty());
    }
}
