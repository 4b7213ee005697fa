package io.skein.it.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.SkeinNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Topic administration, configs, cluster description and ListOffsets through kafka-clients' Admin. */
class AdminAndOffsetsTest {

    private static SkeinNode node;
    private static Admin admin;

    @BeforeAll
    static void start() {
        node = SkeinNode.start("admin", Path.of("target", "it-data", "admin-" + System.nanoTime()));
        admin = Clients.admin(node.bootstrap());
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void createdTopicIsListedWithIdPartitionsAndConfig() throws Exception {
        admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1)
                .configs(Map.of("retention.ms", "3600000")))).all().get();

        assertTrue(admin.listTopics().names().get().contains("orders"));
        TopicDescription d = admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders");
        assertEquals(3, d.partitions().size());
        assertNotEquals(Uuid.ZERO_UUID, d.topicId());
        assertEquals(1, d.partitions().get(0).leader().id());
        Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "orders")))
                .all().get().values().iterator().next();
        assertEquals("3600000", config.get("retention.ms").value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("retention.ms").source());
        assertEquals("delete", config.get("cleanup.policy").value());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("cleanup.policy").source());
    }

    @Test
    void describesTheClusterAndTheBroker() throws Exception {
        assertEquals(1, admin.describeCluster().nodes().get().size());
        assertEquals(1, admin.describeCluster().controller().get().id());
        assertTrue(admin.describeCluster().clusterId().get() != null);
        Config broker = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, "1")))
                .all().get().values().iterator().next();
        assertEquals("true", broker.get("auto.create.topics.enable").value());
    }

    @Test
    void refusesExistingTopicBadNameAndBadConfigWithKafkasErrors() throws Exception {
        admin.createTopics(List.of(new NewTopic("dup", 1, (short) 1))).all().get();

        assertCause(TopicExistsException.class, () -> admin.createTopics(List.of(new NewTopic("dup", 1, (short) 1))).all().get());
        assertCause(InvalidTopicException.class, () -> admin.createTopics(List.of(new NewTopic("bad/name", 1, (short) 1))).all().get());
        assertCause(InvalidConfigurationException.class, () -> admin.createTopics(List.of(new NewTopic("badcfg", 1, (short) 1)
                .configs(Map.of("cleanup.policy", "sometimes")))).all().get());
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        admin.createTopics(List.of(new NewTopic("dry", 2, (short) 1)), new CreateTopicsOptions().validateOnly(true)).all().get();

        assertFalse(admin.listTopics().names().get().contains("dry"));
    }

    @Test
    void deletesTopicsAndRaisesPartitionCounts() throws Exception {
        admin.createTopics(List.of(new NewTopic("grow", 1, (short) 1), new NewTopic("gone", 1, (short) 1))).all().get();

        admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(4))).all().get();
        admin.deleteTopics(List.of("gone")).all().get();

        assertEquals(4, admin.describeTopics(List.of("grow")).allTopicNames().get().get("grow").partitions().size());
        Set<String> names = admin.listTopics().names().get();
        assertFalse(names.contains("gone"));
        admin.createTopics(List.of(new NewTopic("gone", 2, (short) 1))).all().get();
        assertEquals(2, admin.describeTopics(List.of("gone")).allTopicNames().get().get("gone").partitions().size());
    }

    @Test
    void listOffsetsAnswersEarliestLatestTimestampAndMaxTimestamp() throws Exception {
        admin.createTopics(List.of(new NewTopic("offsets", 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition("offsets", 0);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), new Properties())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("offsets", 0, 1_000_000L + i * 1000L, null, new byte[] {(byte) i})).get();
            }
        }

        assertEquals(0, admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset());
        assertEquals(10, admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset());
        assertEquals(4, admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(1_003_500L))).partitionResult(tp).get().offset());
        var max = admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp())).partitionResult(tp).get();
        assertEquals(9, max.offset());
        assertEquals(1_009_000L, max.timestamp());
    }

    @Test
    void producingToAnUnknownTopicCreatesIt() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), new Properties())) {
            RecordMetadata md = producer.send(new ProducerRecord<>("auto-created", "v".getBytes())).get();
            assertEquals(0, md.offset());
        }
        assertTrue(admin.listTopics().names().get().contains("auto-created"));
    }

    @Test
    void longPollReturnsSoonAfterAProduce() throws Exception {
        admin.createTopics(List.of(new NewTopic("longpoll", 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition("longpoll", 0);
        Properties props = new Properties();
        props.put("fetch.max.wait.ms", "30000");
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(node.bootstrap(), props);
             KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), new Properties())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            consumer.poll(Duration.ofMillis(200));
            Thread sender = new Thread(() -> {
                try {
                    Thread.sleep(1000);
                    producer.send(new ProducerRecord<>("longpoll", "wake".getBytes())).get();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            sender.start();
            long start = System.nanoTime();
            ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
            while (records.isEmpty() && System.nanoTime() - start < Duration.ofSeconds(30).toNanos()) {
                records = consumer.poll(Duration.ofSeconds(30));
            }
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            sender.join();
            assertEquals(1, records.count());
            assertTrue(waitedMs < 10_000, "the long poll returned after " + waitedMs + " ms");
        }
    }

    private static void assertCause(Class<? extends Throwable> expected, org.junit.jupiter.api.function.Executable call) {
        ExecutionException e = assertThrows(ExecutionException.class, call);
        assertInstanceOf(expected, e.getCause());
    }
}
