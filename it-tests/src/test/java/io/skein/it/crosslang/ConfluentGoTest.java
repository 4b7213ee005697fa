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
import org.junit.jupiter.api.Test;

/**
 * confluent-kafka-go (Debian's 0.11.6 on the system librdkafka 2.0.2) produces with acks=all and
 * idempotence, every delivery report succeeds, and an assign()-based consumer reads every message
 * back with its key, value, header and acknowledged offset (see src/test/go/produceconsume).
 */
class ConfluentGoTest {

    private static final int MESSAGES = 5_000;

    @Test
    void goClientDeliversIdempotentlyAndReadsEveryMessageBack() throws Exception {
        Path binary = GoPrograms.build("produceconsume");
        try (TestBroker broker = TestBroker.start("confluent-go")) {
            String topic = broker.topic("go-produce-consume");
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
                Clients.awaitTopic(admin, topic, 3, Duration.ofSeconds(30));
            }

            Processes.Result run = Processes.run(List.of(binary.toString(), broker.bootstrap(), topic,
                    Integer.toString(MESSAGES)), null, Map.of(), Duration.ofMinutes(3));

            assertEquals(0, run.exitCode(), run.describe());
            List<String> lines = run.output().lines().toList();
            assertTrue(lines.contains("delivered " + MESSAGES), run.describe());
            assertTrue(lines.contains("consumed " + MESSAGES), run.describe());
        }
    }
}
