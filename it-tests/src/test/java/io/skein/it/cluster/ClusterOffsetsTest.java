package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.coordinator.group.GroupCoordinator;
import io.skein.it.harness.Clients;
import io.skein.it.harness.ThreeNodeCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Committed offsets under node failures (issue 5's promise for {@code __consumer_offsets}): an
 * OffsetCommit is answered only once the in-sync replicas of the group's partition have it, so a
 * commit that returned survives a kill -9 of the coordinator, and a commit that cannot be
 * replicated (two of three nodes frozen) fails instead of succeeding.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterOffsetsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String TOPIC = "orders";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int RECORDS = 200;
    private static ThreeNodeCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ThreeNodeCluster.start("offsets", Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "500",
                "replica.lag.time.max.ms", "4000",
                "offsets.topic.replication.factor", "3",
                "offsets.topic.num.partitions", "3",
                "min.insync.replicas", "2",
                "group.initial.rebalance.delay.ms", "0"));
        try (Admin admin = Clients.admin(cluster.bootstrap());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get();
            Clients.awaitTopic(admin, TOPIC, 1, TIMEOUT);
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, null, ("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            for (int id = 1; id <= 3; id++) {
                if (cluster.node(id).isAlive()) {
                    Signals.send(cluster.node(id), "CONT");
                }
            }
            cluster.close();
        }
    }

    private static KafkaConsumer<byte[], byte[]> groupConsumer(String group) {
        return Clients.consumer(cluster.bootstrap(), Map.of(
                "group.id", group,
                "auto.offset.reset", "earliest",
                "session.timeout.ms", "6000",
                "heartbeat.interval.ms", "500",
                "max.poll.interval.ms", "15000",
                "request.timeout.ms", "5000",
                "default.api.timeout.ms", "60000"));
    }

    /** The node coordinating {@code group}, as FindCoordinator answers through Admin. */
    private static int coordinatorOf(String group) {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get()
                    .coordinator().id();
        } catch (Exception e) {
            throw new AssertionError("no coordinator for group " + group, e);
        }
    }

    /** The ISR of the {@code __consumer_offsets} partition that holds {@code group}. */
    private static Set<Integer> offsetsIsr(Admin admin, String group) {
        try {
            List<TopicPartitionInfo> partitions = admin.describeTopics(List.of(Topic.GROUP_METADATA_TOPIC_NAME))
                    .allTopicNames().get().get(Topic.GROUP_METADATA_TOPIC_NAME).partitions();
            int p = GroupCoordinator.partitionFor(group, partitions.size());
            return partitions.get(p).isr().stream().map(Node::id).collect(Collectors.toSet());
        } catch (Exception e) {
            return Set.of();
        }
    }

    private static void awaitFullOffsetsIsr(String group) {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            Clients.await("a full ISR of the offsets partition of group " + group, TIMEOUT,
                    () -> offsetsIsr(admin, group).size() == 3);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> pollSome(KafkaConsumer<byte[], byte[]> consumer) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                return records.records(TP);
            }
        }
        throw new AssertionError("no records within " + TIMEOUT);
    }

    @Test
    @Order(1)
    void aCommitThatReturnedSurvivesAKillOfTheCoordinator() throws Exception {
        String group = "resume";
        long lastAcknowledged = -1;
        KafkaConsumer<byte[], byte[]> first = groupConsumer(group);
        int coordinator;
        try {
            first.subscribe(List.of(TOPIC));
            pollSome(first);
            coordinator = coordinatorOf(group);
            awaitFullOffsetsIsr(group);
            for (int i = 1; i <= 20; i++) {
                first.commitSync(Map.of(TP, new OffsetAndMetadata(5L * i)));
                lastAcknowledged = 5L * i;
            }
            cluster.kill(coordinator); // right after the last commit returned
        } finally {
            first.close(Duration.ofSeconds(1));
        }

        try (KafkaConsumer<byte[], byte[]> second = groupConsumer(group)) {
            second.subscribe(List.of(TOPIC));
            List<ConsumerRecord<byte[], byte[]>> records = pollSome(second);
            assertEquals(lastAcknowledged, records.get(0).offset(),
                    "the new member resumes exactly at the last acknowledged commit");
        }
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            assertEquals(lastAcknowledged, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get().get(TP).offset());
        }
        cluster.restart(coordinator);
    }

    @Test
    @Order(2)
    void aCommitFailsWhileTwoOfThreeNodesAreFrozen() throws Exception {
        String group = "frozen";
        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(group)) {
            consumer.assign(List.of(TP));
            consumer.commitSync(Map.of(TP, new OffsetAndMetadata(10)));
            int coordinator = coordinatorOf(group);
            awaitFullOffsetsIsr(group);
            List<Integer> frozen = List.of(1, 2, 3).stream().filter(id -> id != coordinator).toList();
            frozen.forEach(id -> Signals.send(cluster.node(id), "STOP"));
            try {
                assertThrows(KafkaException.class, () -> consumer.commitSync(
                        Map.of(TP, new OffsetAndMetadata(20)), Duration.ofSeconds(15)),
                        "a commit the in-sync replicas cannot confirm must not succeed");
            } finally {
                frozen.forEach(id -> Signals.send(cluster.node(id), "CONT"));
            }
            assertTrue(cluster.node(coordinator).logged(line ->
                    line.contains("Offset commit of group " + group) && line.contains("was not replicated")),
                    "the coordinator waited for replication and gave up");
        }
    }
}
