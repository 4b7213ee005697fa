package io.skein.it.crosslang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.GoPrograms;
import io.skein.it.harness.Processes;
import io.skein.it.harness.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Shopify's sarama (Debian's 1.22, pure Go, the protocol versions of Kafka 2.1): an idempotent
 * producer with acks=all and a consumer group that commits (see src/test/go/saramagroup); the
 * group's committed offsets then cover every message.
 */
class SaramaTest {

    private static final int MESSAGES = 600;

    @Test
    void saramaProducesIdempotentlyAndConsumesInAGroupThatCommits() throws Exception {
        Path binary = GoPrograms.build("saramagroup");
        try (TestBroker broker = TestBroker.start("sarama", Map.of("offsets.topic.num.partitions", "3"));
             Admin admin = Clients.admin(broker.bootstrap())) {
            String topic = broker.topic("sarama");
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            Clients.awaitTopic(admin, topic, 3, Duration.ofSeconds(30));

            Processes.Result run = Processes.run(List.of(binary.toString(), broker.bootstrap(), topic, "sarama-group",
                    Integer.toString(MESSAGES)), null, Map.of(), Duration.ofMinutes(3));

            assertEquals(0, run.exitCode(), run.describe());
            assertTrue(run.output().lines().anyMatch(("produced " + MESSAGES)::equals), run.describe());
            assertTrue(run.output().lines().anyMatch(("consumed " + MESSAGES)::equals), run.describe());
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets("sarama-group").partitionsToOffsetAndMetadata().get();
            assertEquals(MESSAGES, committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum(),
                    "committed offsets " + committed);
        }
    }
}
