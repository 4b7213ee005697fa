package io.skein.it.crosslang;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.it.harness.Clients;
import io.skein.it.harness.Processes;
import io.skein.it.harness.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kafka-python (Debian's python3-kafka 2.0.2), confluent-kafka-python (Debian's 1.7.0 on librdkafka
 * 2.0.2) and kafkajs 2.2.4 (npm) consume in a group, commit,
 * exit, and a second run of each resumes exactly after its commit, across a broker restart. Both
 * speak the classic protocol with their own (older) request versions: JoinGroup, SyncGroup,
 * OffsetCommit v2-v5, OffsetFetch v1-v4.
 */
class ScriptClientsGroupTest {

    private static final Path PYTHON_SCRIPT = Path.of("src", "test", "python", "group_resume.py").toAbsolutePath();
    private static final Path CONFLUENT_PYTHON_SCRIPT = Path.of("src", "test", "python", "confluent_group_resume.py")
            .toAbsolutePath();
    private static final Path NODE_DIR = Path.of("src", "test", "node").toAbsolutePath();
    private static final int RECORDS = 200;

    private static TestBroker broker;
    private static String topic;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start("script-clients-group", Map.of("offsets.topic.num.partitions", "5"));
        topic = broker.topic("script-groups");
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            Clients.awaitTopic(admin, topic, 1, Duration.ofSeconds(30));
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, ("v" + i).getBytes()));
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Map<String, Long> run(List<String> command) {
        Processes.Result result = Processes.run(command, null, Map.of(), Duration.ofMinutes(2));
        assertEquals(0, result.exitCode(), result.describe());
        Map<String, Long> values = new java.util.HashMap<>();
        for (String line : result.output().lines().toList()) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 2 && parts[1].matches("-?\\d+")) {
                values.put(parts[0], Long.parseLong(parts[1]));
            }
        }
        return values;
    }

    private static void assertResumes(List<String> first, List<String> second) {
        Map<String, Long> a = run(first);
        assertEquals(0L, a.get("first"));
        assertEquals(49L, a.get("last"));
        assertEquals(50L, a.get("committed"));
        if (!broker.isExternal()) {
            broker.restart();
        }
        Map<String, Long> b = run(second);
        assertEquals(50L, b.get("first"), "the second run resumes right after the commit");
        assertEquals(100L, b.get("committed"));
    }

    @Test
    void kafkaPythonResumesAfterItsCommit() {
        Processes.require("/usr/bin/python3");
        String group = "python-" + System.nanoTime();
        List<String> command = List.of("/usr/bin/python3", PYTHON_SCRIPT.toString(), broker.bootstrap(), topic, group,
                "50");
        assertResumes(command, command);
    }

    @Test
    void confluentKafkaPythonResumesAfterItsCommit() {
        Processes.require("/usr/bin/python3");
        String group = "confluent-python-" + System.nanoTime();
        List<String> command = List.of("/usr/bin/python3", CONFLUENT_PYTHON_SCRIPT.toString(), broker.bootstrap(),
                topic, group, "50");
        assertResumes(command, command);
    }

    @Test
    void kafkajsResumesAfterItsCommit() throws Exception {
        Processes.require("node");
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules").resolve("kafkajs"))) {
            Processes.Result install = Processes.run(List.of("npm", "install", "--no-audit", "--no-fund",
                    "--prefix", NODE_DIR.toString()), null, Map.of(), Duration.ofMinutes(3));
            assertEquals(0, install.exitCode(), "npm install kafkajs: " + install.describe());
        }
        String group = "kafkajs-" + System.nanoTime();
        List<String> command = List.of("node", NODE_DIR.resolve("group_resume.js").toString(), broker.bootstrap(), topic,
                group, "50");
        assertResumes(command, command);
    }
}
