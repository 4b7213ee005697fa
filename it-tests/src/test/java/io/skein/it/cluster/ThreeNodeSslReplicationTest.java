package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.it.harness.ClusterAdmin;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Follower fetching over a secured inter-broker listener: every node's only broker listener (named
 * PLAINTEXT, mapped to SSL or SASL_SSL) is the one followers use, through kafka-clients' channel
 * builders fed from Kafka's settings ({@code ssl.*}, {@code listener.name.<l>.<mechanism>.sasl.jaas.config},
 * {@code sasl.mechanism.inter.broker.protocol}); acks=all with {@code min.insync.replicas=3}
 * completes only once both followers fetched.
 */
class ThreeNodeSslReplicationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String PASSWORD = "test-secret";
    private static Map<String, String> brokerSsl;
    private static Map<String, String> clientSsl;

    @BeforeAll
    static void certificates() {
        Path dir = Path.of("target", "it-data", "ssl-certs-" + System.nanoTime());
        TestCertificates.Issued ca = TestCertificates.ca("Skein test CA");
        TestCertificates.Issued broker = TestCertificates.issue(ca, "CN=broker,O=Skein", true);
        Path keyStore = TestCertificates.keyStore(dir.resolve("broker.p12"), "PKCS12", broker, PASSWORD);
        Path trustStore = TestCertificates.trustStore(dir.resolve("trust.p12"), "PKCS12", ca, PASSWORD);
        brokerSsl = Map.of("ssl.keystore.type", "PKCS12",
                "ssl.keystore.location", keyStore.toAbsolutePath().toString(),
                "ssl.keystore.password", PASSWORD,
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.location", trustStore.toAbsolutePath().toString(),
                "ssl.truststore.password", PASSWORD);
        clientSsl = Map.of("ssl.truststore.type", "PKCS12",
                "ssl.truststore.location", trustStore.toAbsolutePath().toString(),
                "ssl.truststore.password", PASSWORD);
    }

    @Test
    void followersReplicateOverSsl() throws Exception {
        Map<String, String> overrides = new HashMap<>(brokerSsl);
        overrides.put("listener.security.protocol.map", "PLAINTEXT:SSL,CONTROLLER:PLAINTEXT");
        Map<String, String> client = new HashMap<>(clientSsl);
        client.put("security.protocol", "SSL");
        try (ThreeNodeCluster cluster = ThreeNodeCluster.start("ssl-replication", overrides)) {
            replicateAndRead(cluster, client, "over-ssl");
        }
    }

    @Test
    void followersReplicateOverSaslSslWithPlain() throws Exception {
        Map<String, String> overrides = new HashMap<>(brokerSsl);
        overrides.put("listener.security.protocol.map", "PLAINTEXT:SASL_SSL,CONTROLLER:PLAINTEXT");
        overrides.put("sasl.enabled.mechanisms", "PLAIN");
        overrides.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        overrides.put("listener.name.plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" "
                        + "password=\"broker-secret\" user_broker=\"broker-secret\" user_alice=\"alice-secret\";");
        Map<String, String> client = new HashMap<>(clientSsl);
        client.put("security.protocol", "SASL_SSL");
        client.put("sasl.mechanism", "PLAIN");
        client.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"alice\" password=\"alice-secret\";");
        try (ThreeNodeCluster cluster = ThreeNodeCluster.start("sasl-ssl-replication", overrides)) {
            replicateAndRead(cluster, client, "over-sasl-ssl");
        }
    }

    private static void replicateAndRead(ThreeNodeCluster cluster, Map<String, String> client, String topic)
            throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap(), client)) {
            ClusterAdmin.createReplicated(admin, topic, 1, 3, TIMEOUT);
        }
        Map<String, String> producerProps = new HashMap<>(client);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrap(), producerProps)) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, (topic + i).getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        List<ConsumerRecord<byte[], byte[]>> read = Clients.readToEnd(cluster.bootstrap(), List.of(tp), client,
                TIMEOUT);
        assertEquals(50, read.size());
        for (int i = 0; i < 50; i++) {
            assertArrayEquals((topic + i).getBytes(StandardCharsets.UTF_8), read.get(i).value());
        }
    }
}
