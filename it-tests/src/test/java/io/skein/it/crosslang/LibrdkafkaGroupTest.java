package io.skein.it.crosslang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.GoPrograms;
import io.skein.it.harness.Processes;
import io.skein.it.harness.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * librdkafka's group consumers (Debian's librdkafka 2.0.2): confluent-kafka-go with manual commits
 * resumes after a broker restart exactly where it committed, and {@code kcat -G} with the
 * cooperative-sticky assignor consumes in a group and resumes from its committed offsets.
 */
class LibrdkafkaGroupTest {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    @Test
    void confluentGoCommitsManuallyAndResumesAfterABrokerRestart() throws Exception {
        Path binary = GoPrograms.build("groupconsume");
        try (TestBroker broker = TestBroker.start("go-group", Map.of("offsets.topic.num.partitions", "3"))) {
            String topic = broker.topic("go-group");
            produce(broker, topic, 3, 0, 200);
            String group = "go-manual-commit";

            List<String> firstRun = consumedValues(run(binary, broker, topic, group, 80));
            assertEquals(0, broker.restart(), "the clean stop exits with 0");
            List<String> secondRun = consumedValues(run(binary, broker, topic, group, 120));

            assertEquals(80, firstRun.size());
            assertEquals(120, secondRun.size());
            Set<String> twice = new HashSet<>(firstRun);
            twice.retainAll(secondRun);
            assertEquals(Set.of(), twice, "messages committed by the first run were read again by the second");
            Set<String> all = new HashSet<>(firstRun);
            all.addAll(secondRun);
            assertEquals(values(0, 200), all, "every message was read by one of the two runs");
        }
    }

    @Test
    void kcatConsumesInAGroupAndResumesFromItsCommittedOffsets() throws Exception {
        Processes.require("kcat");
        try (TestBroker broker = TestBroker.start("kcat-group", Map.of("offsets.topic.num.partitions", "3"))) {
            String topic = broker.topic("kcat-group");
            produce(broker, topic, 2, 0, 50);
            List<String> first = kcatGroup(broker, topic, "kcat-group");
            assertEquals(values(0, 50), new HashSet<>(first));
            assertEquals(50, first.size());

            produce(broker, topic, 2, 50, 80);
            List<String> second = kcatGroup(broker, topic, "kcat-group");
            assertEquals(values(50, 80), new HashSet<>(second), "the second run starts after the first run's commits");
            assertEquals(30, second.size());
        }
    }

    private static List<String> kcatGroup(TestBroker broker, String topic, String group) {
        Processes.Result r = Processes.run(List.of("kcat", "-b", broker.bootstrap(), "-G", group, "-e", "-q",
                "-X", "auto.offset.reset=earliest",
                "-X", "partition.assignment.strategy=cooperative-sticky", "-f", "%s\\n", topic), null, Map.of(), RUN_TIMEOUT);
        assertEquals(0, r.exitCode(), r.describe());
        return r.output().lines().filter(l -> l.startsWith("v-")).toList();
    }

    private static Processes.Result run(Path binary, TestBroker broker, String topic, String group, int limit) {
        Processes.Result r = Processes.run(List.of(binary.toString(), broker.bootstrap(), topic, group,
                Integer.toString(limit)), null, Map.of(), RUN_TIMEOUT);
        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.output().lines().anyMatch(l -> l.equals("done " + limit)), r.describe());
        return r;
    }

    private static List<String> consumedValues(Processes.Result r) {
        List<String> values = new ArrayList<>();
        for (String line : r.output().lines().toList()) {
            if (line.startsWith("consumed ")) {
                values.add(line.split(" ", 4)[3]);
            }
        }
        return values;
    }

    private static void produce(TestBroker broker, String topic, int partitions, int from, int to) throws Exception {
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            if (from == 0) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
                Clients.awaitTopic(admin, topic, partitions, Duration.ofSeconds(30));
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, null, ("v-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static Set<String> values(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "v-" + i).collect(Collectors.toSet());
    }
}
