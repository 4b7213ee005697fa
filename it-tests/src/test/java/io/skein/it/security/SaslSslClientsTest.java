package io.skein.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.GoPrograms;
import io.skein.it.harness.Processes;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Real clients over SASL_SSL with certificates from {@code ./skein certs}: confluent-kafka-go
 * (Debian's librdkafka 2.0.2, {@code ssl.ca.location} = the generated {@code ca.pem}) with PLAIN,
 * SCRAM-SHA-256 and SCRAM-SHA-512 produces and consumes in a group, and a wrong password is refused
 * with an authentication error; kafka-clients does the same with SCRAM-SHA-512 and the generated
 * truststore.
 */
class SaslSslClientsTest {

    private static final int COUNT = 200;
    private static Path certs;
    private static SkeinNode node;
    private static int plainPort;
    private static int saslSslPort;
    private static Path goClient;

    @BeforeAll
    static void start() throws Exception {
        goClient = GoPrograms.build("saslroundtrip");
        certs = TestBroker.freshDataDir("sasl-ssl-clients-certs").resolve("certs");
        Processes.Result made = CertsToolTest.certs("--out", certs.toString(), "--hosts", "127.0.0.1");
        assertEquals(0, made.exitCode(), made.describe());
        Map<String, String> settings = new HashMap<>();
        CertsToolTest.load(certs.resolve("127.0.0.1.properties")).forEach((k, v) -> settings.put((String) k, (String) v));
        plainPort = SkeinNode.freePort();
        saslSslPort = SkeinNode.freePort();
        int controller = SkeinNode.freePort();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_SSL://127.0.0.1:" + saslSslPort
                + ",CONTROLLER://127.0.0.1:" + controller);
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        settings.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
        settings.put("listener.name.sasl_ssl.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"alice-secret\";");
        settings.put("offsets.topic.num.partitions", "3");
        node = SkeinNode.start("sasl-ssl-clients", TestBroker.freshDataDir("sasl-ssl-clients"), settings);
        try (Admin operator = Clients.admin("127.0.0.1:" + plainPort)) {
            operator.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("sam256", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096),
                            "sam256-secret"),
                    new UserScramCredentialUpsertion("sam512", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                            "sam512-secret"))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static String topic(String name) throws Exception {
        try (Admin operator = Clients.admin("127.0.0.1:" + plainPort)) {
            operator.createTopics(List.of(new NewTopic(name, 2, (short) 1))).all().get();
            Clients.awaitTopic(operator, name, 2, Duration.ofSeconds(30));
        }
        return name;
    }

    private static Processes.Result go(String topic, String mechanism, String user, String password) {
        return Processes.run(List.of(goClient.toString(), "127.0.0.1:" + saslSslPort, topic, "go-" + topic, mechanism,
                user, password, certs.resolve("ca.pem").toString(), Integer.toString(COUNT)), null, Map.of(),
                Duration.ofMinutes(2));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PLAIN, alice, alice-secret", "SCRAM-SHA-256, sam256, sam256-secret",
            "SCRAM-SHA-512, sam512, sam512-secret"})
    void confluentGoProducesAndConsumesInAGroupOverSaslSsl(String mechanism, String user, String password)
            throws Exception {
        Processes.Result run = go(topic("go-" + mechanism.toLowerCase()), mechanism, user, password);
        assertEquals(0, run.exitCode(), run.describe());
        assertTrue(run.output().lines().anyMatch(("delivered " + COUNT)::equals), run.describe());
        assertTrue(run.output().lines().anyMatch(("consumed " + COUNT)::equals), run.describe());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PLAIN, alice", "SCRAM-SHA-512, sam512"})
    void confluentGoWithAWrongPasswordGetsAnAuthenticationError(String mechanism, String user) throws Exception {
        Processes.Result run = go(topic("go-refused-" + mechanism.toLowerCase()), mechanism, user, "wrong-password");
        assertEquals(3, run.exitCode(), run.describe());
        assertTrue(run.output().contains("authentication failed"), run.describe());
    }

    @Test
    void kafkaClientsWithScramSha512OverSaslSsl() throws Exception {
        String topic = topic("java-scram-512");
        Map<String, String> client = new HashMap<>();
        CertsToolTest.load(certs.resolve("client.properties")).forEach((k, v) -> client.put((String) k, (String) v));
        client.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        client.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        client.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"sam512\" password=\"sam512-secret\";");
        String bootstrap = "127.0.0.1:" + saslSslPort;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, client)) {
            for (int i = 0; i < COUNT; i++) {
                producer.send(new ProducerRecord<>(topic, ("java-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        Map<String, String> consumerConfig = new HashMap<>(client);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "java-scram-group");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, consumerConfig)) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            Clients.await("every record consumed over SASL_SSL", Duration.ofSeconds(60), () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return read.size() >= COUNT;
            });
            assertEquals(COUNT, read.size());
            consumer.commitSync();
        }
    }
}
