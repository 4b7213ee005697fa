package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.it.harness.Clients;
import io.skein.it.harness.TestCertificates;
import io.skein.it.harness.ThreeNodeCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Follower fetching over TLS: every node's only broker listener speaks SSL (the listener named
 * PLAINTEXT is mapped to SSL), so followers reach their leaders through kafka-clients' SSL channel
 * built from the listener's {@code ssl.*} settings; acks=all completes only once they did.
 */
class ThreeNodeSslReplicationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String PASSWORD = "test-secret";
    private static ThreeNodeCluster cluster;
    private static Map<String, String> clientSsl;

    @BeforeAll
    static void startCluster() {
        Path dir = Path.of("target", "it-data", "ssl-certs-" + System.nanoTime());
        TestCertificates.Issued ca = TestCertificates.ca("Skein test CA");
        TestCertificates.Issued broker = TestCertificates.issue(ca, "CN=broker,O=Skein", true);
        Path keyStore = TestCertificates.keyStore(dir.resolve("broker.p12"), "PKCS12", broker, PASSWORD);
        Path trustStore = TestCertificates.trustStore(dir.resolve("trust.p12"), "PKCS12", ca, PASSWORD);
        Map<String, String> overrides = new HashMap<>();
        overrides.put("listener.security.protocol.map", "PLAINTEXT:SSL,CONTROLLER:PLAINTEXT");
        overrides.put("ssl.keystore.type", "PKCS12");
        overrides.put("ssl.keystore.location", keyStore.toAbsolutePath().toString());
        overrides.put("ssl.keystore.password", PASSWORD);
        overrides.put("ssl.truststore.type", "PKCS12");
        overrides.put("ssl.truststore.location", trustStore.toAbsolutePath().toString());
        overrides.put("ssl.truststore.password", PASSWORD);
        cluster = ThreeNodeCluster.start("ssl-replication", overrides);
        clientSsl = Map.of("security.protocol", "SSL",
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.location", trustStore.toAbsolutePath().toString(),
                "ssl.truststore.password", PASSWORD);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void followersReplicateOverTlsAndAcksAllCompletes() throws Exception {
        String topic = "tls-replicated";
        Map<String, Object> adminProps = new HashMap<>(clientSsl);
        adminProps.put("bootstrap.servers", cluster.bootstrap());
        try (Admin admin = Admin.create(adminProps)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3)
                    .configs(Map.of("min.insync.replicas", "3")))).all().get();
            Clients.awaitTopic(admin, topic, 1, TIMEOUT);
        }
        Map<String, String> producerProps = new HashMap<>(clientSsl);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrap(), producerProps)) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, ("tls-" + i).getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(cluster.bootstrap(), clientSsl)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> read = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (read.size() < 50 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            assertEquals(50, read.size());
            for (int i = 0; i < 50; i++) {
                assertArrayEquals(("tls-" + i).getBytes(StandardCharsets.UTF_8), read.get(i).value());
            }
        }
    }
}
