package io.skein.it.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Topic administration as kafka-clients' Admin sees it: creating, listing, describing (with
 * topic ids and configs), Kafka's errors for bad requests, validate-only, deleting, adding
 * partitions, auto-creation by a producer, and the cluster of one node.
 */
class TopicAdminTest {

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    private static TestBroker broker;
    private static Admin admin;
    private static String described;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start("topic-admin");
        admin = Clients.admin(broker.bootstrap());
        described = broker.topic("orders");
        admin.createTopics(List.of(new NewTopic(described, 3, (short) 1)
                .configs(Map.of("retention.ms", "3600000")))).all().get();
        Clients.awaitTopic(admin, described, 3, METADATA_TIMEOUT);
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void listsAndDescribesACreatedTopicWithTheSameIdAndItsPartitions() throws Exception {
        Map<String, TopicListing> listings = admin.listTopics().namesToListings().get();
        TopicDescription description = admin.describeTopics(List.of(described)).allTopicNames().get().get(described);

        TopicListing listing = listings.get(described);
        assertNotNull(listing, described + " is not listed: " + listings.keySet());
        assertFalse(listing.isInternal());
        assertNotEquals(Uuid.ZERO_UUID, listing.topicId());
        assertEquals(listing.topicId(), description.topicId());
        Node node = onlyNode();
        assertEquals(3, description.partitions().size());
        for (int p = 0; p < 3; p++) {
            TopicPartitionInfo info = description.partitions().get(p);
            assertEquals(p, info.partition());
            assertEquals(node.id(), info.leader().id());
            assertEquals(List.of(node.id()), info.replicas().stream().map(Node::id).toList());
            assertEquals(List.of(node.id()), info.isr().stream().map(Node::id).toList());
        }
    }

    @Test
    void describesTopicConfigsWithDefaultsAndTheOverrideGivenAtCreation() throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, described);

        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);

        assertEquals("delete", config.get("cleanup.policy").value());
        ConfigEntry retention = config.get("retention.ms");
        assertEquals("3600000", retention.value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, retention.source());
        assertFalse(retention.isDefault());
    }

    @Test
    void describesAClusterOfOneNodeReachableAtTheBootstrapAddress() throws Exception {
        var cluster = admin.describeCluster();

        Collection<Node> nodes = cluster.nodes().get();
        assertEquals(1, nodes.size(), "nodes: " + nodes);
        Node node = nodes.iterator().next();
        assertEquals(broker.port(), node.port());
        String clusterId = cluster.clusterId().get();
        assertTrue(clusterId != null && !clusterId.isBlank(), "cluster id: " + clusterId);
    }

    @Test
    void describesBrokerConfigs() throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(onlyNode().id()));

        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);

        assertEquals("true", config.get("auto.create.topics.enable").value());
        assertEquals("1", config.get("num.partitions").value());
        assertEquals("104857600", config.get("socket.request.max.bytes").value());
    }

    @Test
    void refusesToCreateATopicThatExists() {
        NewTopic again = new NewTopic(described, 1, (short) 1);

        assertFailsWith(TopicExistsException.class, () -> admin.createTopics(List.of(again)).all().get());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"bad/name", "..", "spaces are not allowed",
        "x234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
            + "1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
            + "12345678901234567890123456789012345678901234567890"})
    void refusesAnInvalidTopicName(String name) {
        NewTopic topic = new NewTopic(name, 1, (short) 1);

        assertFailsWith(InvalidTopicException.class, () -> admin.createTopics(List.of(topic)).all().get());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"cleanup.policy,sometimes", "retention.ms,abc", "min.insync.replicas,-3"})
    void refusesAnInvalidTopicConfig(String key, String value) throws Exception {
        String name = broker.topic("badcfg-" + key.replace('.', '-'));
        NewTopic topic = new NewTopic(name, 1, (short) 1).configs(Map.of(key, value));

        assertFailsWith(InvalidConfigurationException.class, () -> admin.createTopics(List.of(topic)).all().get());
        assertFalse(admin.listTopics().names().get().contains(name));
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        String name = broker.topic("dry-run");

        admin.createTopics(List.of(new NewTopic(name, 2, (short) 1)), new CreateTopicsOptions().validateOnly(true))
                .all().get();

        assertFalse(admin.listTopics().names().get().contains(name));
        assertFailsWith(UnknownTopicOrPartitionException.class,
                () -> admin.describeTopics(List.of(name)).allTopicNames().get());
    }

    @Test
    void createsATopicWithTheBrokerDefaultsWhenPartitionsAndReplicationAreLeftOut() throws Exception {
        String name = broker.topic("defaults");

        admin.createTopics(List.of(new NewTopic(name, Optional.empty(), Optional.empty()))).all().get();

        TopicDescription d = Clients.awaitTopic(admin, name, 1, METADATA_TIMEOUT); // num.partitions=1
        assertEquals(1, d.partitions().get(0).replicas().size());
    }

    @Test
    void deletedTopicIsGoneAndItsNameCanBeReused() throws Exception {
        String name = broker.topic("doomed");
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        Uuid oldId = Clients.awaitTopic(admin, name, 1, METADATA_TIMEOUT).topicId();

        admin.deleteTopics(List.of(name)).all().get();

        Clients.await(name + " to disappear from the topic list", METADATA_TIMEOUT, () -> !listedTopics().contains(name));
        assertFailsWith(UnknownTopicOrPartitionException.class,
                () -> admin.describeTopics(List.of(name)).allTopicNames().get());
        admin.createTopics(List.of(new NewTopic(name, 2, (short) 1))).all().get();
        TopicDescription recreated = Clients.awaitTopic(admin, name, 2, METADATA_TIMEOUT);
        assertNotEquals(oldId, recreated.topicId(), "a recreated topic gets a new id");
    }

    @Test
    void createPartitionsRaisesThePartitionCount() throws Exception {
        String name = broker.topic("growing");
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        Clients.awaitTopic(admin, name, 1, METADATA_TIMEOUT);

        admin.createPartitions(Map.of(name, NewPartitions.increaseTo(4))).all().get();

        Clients.awaitTopic(admin, name, 4, METADATA_TIMEOUT);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            RecordMetadata md = producer.send(new ProducerRecord<>(name, 3, null, "to-new-partition".getBytes())).get();
            assertEquals(3, md.partition());
            assertEquals(0, md.offset());
        }
    }

    @Test
    void producingToAnUnknownTopicCreatesIt() throws Exception {
        String name = broker.topic("auto-created");

        RecordMetadata md;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            md = producer.send(new ProducerRecord<>(name, "k".getBytes(), "v".getBytes())).get();
        }

        assertEquals(0, md.offset());
        assertTrue(listedTopics().contains(name));
        Clients.awaitTopic(admin, name, 1, METADATA_TIMEOUT); // num.partitions=1
    }

    private static java.util.Set<String> listedTopics() {
        try {
            return admin.listTopics().names().get();
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Node onlyNode() throws Exception {
        Collection<Node> nodes = admin.describeCluster().nodes().get();
        assertEquals(1, nodes.size(), "nodes: " + nodes);
        return nodes.iterator().next();
    }

    private static void assertFailsWith(Class<? extends Throwable> expected, Executable call) {
        ExecutionException e = assertThrows(ExecutionException.class, call);
        assertInstanceOf(expected, e.getCause(), "cause: " + e.getCause());
    }
}
