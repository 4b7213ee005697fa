package io.skein.it.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.KafkaTools;
import io.skein.it.harness.Processes;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Kafka's own {@code kafka-consumer-groups} (ConsumerGroupCommand from kafka-tools 4.4.0) against
 * Skein: lists groups, describes a group's offsets with lag, its members and its state, resets
 * offsets and deletes a group.
 */
class ConsumerGroupsToolTest {

    private static final String TOOL = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 10;

    @Test
    void listsDescribesWithLagResetsAndDeletesGroups() throws Exception {
        try (TestBroker broker = TestBroker.start("consumer-groups-tool", Map.of("offsets.topic.num.partitions", "3"));
             Admin admin = Clients.admin(broker.bootstrap())) {
            String topic = broker.topic("tool-topic");
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
            Clients.awaitTopic(admin, topic, PARTITIONS, Duration.ofSeconds(30));
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
                for (int p = 0; p < PARTITIONS; p++) {
                    for (int i = 0; i < PER_PARTITION; i++) {
                        producer.send(new ProducerRecord<>(topic, p, null, new byte[] {(byte) i}));
                    }
                }
                producer.flush();
            }
            String idle = "tool-idle-group";
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap(),
                    Map.of(ConsumerConfig.GROUP_ID_CONFIG, idle))) {
                consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(10),
                        new TopicPartition(topic, 1), new OffsetAndMetadata(4),
                        new TopicPartition(topic, 2), new OffsetAndMetadata(7)));
            }
            String live = "tool-live-group";
            try (PollingMember member = new PollingMember(broker.bootstrap(), topic, Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, live, ConsumerConfig.CLIENT_ID_CONFIG, "tool-member"))) {
                Clients.await("the live member owns every partition", Duration.ofSeconds(60),
                        () -> member.owned().size() == PARTITIONS);

                String list = run(broker, "--list").output();
                assertTrue(list.lines().anyMatch(idle::equals), list);
                assertTrue(list.lines().anyMatch(live::equals), list);

                String offsets = run(broker, "--describe", "--group", idle).output();
                assertTrue(offsets.contains("Consumer group '" + idle + "' has no active members."), offsets);
                assertEquals(List.of("10", "10", "0"), row(offsets, topic, 0), offsets);
                assertEquals(List.of("4", "10", "6"), row(offsets, topic, 1), offsets);
                assertEquals(List.of("7", "10", "3"), row(offsets, topic, 2), offsets);

                String members = run(broker, "--describe", "--group", live, "--members").output();
                Optional<String> memberLine = members.lines().filter(l -> l.contains("tool-member")).findFirst();
                assertTrue(memberLine.isPresent(), members);
                List<String> columns = Arrays.asList(memberLine.get().trim().split("\\s+"));
                assertEquals(String.valueOf(PARTITIONS), columns.get(columns.size() - 1), members);

                String state = run(broker, "--describe", "--group", live, "--state").output();
                assertTrue(state.lines().anyMatch(l -> l.startsWith(live) && l.contains("Stable")), state);
            }

            String reset = run(broker, "--reset-offsets", "--group", idle, "--topic", topic, "--to-earliest",
                    "--execute").output();
            assertTrue(reset.contains(topic), reset);
            Map<TopicPartition, OffsetAndMetadata> afterReset =
                    admin.listConsumerGroupOffsets(idle).partitionsToOffsetAndMetadata().get();
            for (int p = 0; p < PARTITIONS; p++) {
                assertEquals(0, afterReset.get(new TopicPartition(topic, p)).offset(), "partition " + p + " reset");
            }

            String deleted = run(broker, "--delete", "--group", idle).output();
            assertTrue(deleted.contains("successful"), deleted);
            String listAfter = run(broker, "--list").output();
            assertFalse(listAfter.lines().anyMatch(idle::equals), listAfter);
        }
    }

    private static Processes.Result run(TestBroker broker, String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrap()));
        all.addAll(List.of(args));
        Processes.Result r = KafkaTools.run(TOOL, all, Duration.ofMinutes(1));
        assertEquals(0, r.exitCode(), r.describe());
        return r;
    }

    /** CURRENT-OFFSET, LOG-END-OFFSET and LAG of the partition's row in --describe's table. */
    private static List<String> row(String output, String topic, int partition) {
        for (String line : output.lines().toList()) {
            String[] c = line.trim().split("\\s+");
            if (c.length >= 6 && c[1].equals(topic) && c[2].equals(String.valueOf(partition))) {
                return List.of(c[3], c[4], c[5]);
            }
        }
        throw new AssertionError("no row for " + topic + "-" + partition + " in:\n" + output);
    }
}
