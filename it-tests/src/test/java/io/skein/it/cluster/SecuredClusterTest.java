package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.ClusterAdmin;
import io.skein.it.harness.Clients;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestCertificates;
import io.skein.it.harness.ThreeNodeCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes secured end to end, as {@code SKEIN_SECURITY=sasl_ssl deploy/local/cluster.sh} runs
 * them: clients on SASL_SSL (SCRAM-SHA-512 users made through the Admin API, ACLs on), brokers
 * replicating to each other over SASL_SSL with PLAIN, the metadata quorum on mutually
 * authenticated TLS. A replicated topic with {@code min.insync.replicas=2} takes acks=all writes
 * and serves them back byte-identical, which needs the followers' fetches to authenticate; every
 * replica stays in the ISR.
 */
class SecuredClusterTest {

    private static final String STORE_PASSWORD = "store-secret";
    private static final String BROKER_PASSWORD = "broker-secret";
    private static final String ADMIN_PASSWORD = "admin-secret";
    private static final String ALICE_PASSWORD = "alice-secret";

    private static ThreeNodeCluster cluster;
    private static Path truststore;

    @BeforeAll
    static void startCluster() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "it-data", "secured-" + System.nanoTime()));
        TestCertificates.Issued ca = TestCertificates.ca("Secured Cluster CA");
        Path keystore = TestCertificates.keyStore(dir.resolve("node.p12"), "PKCS12",
                TestCertificates.issue(ca, "CN=skein-node", true), STORE_PASSWORD);
        truststore = TestCertificates.trustStore(dir.resolve("truststore.p12"), "PKCS12", ca, STORE_PASSWORD);
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "SASL_SSL://127.0.0.1:" + SkeinNode.CLIENT_PORT
                + ",CONTROLLER://127.0.0.1:" + SkeinNode.CONTROLLER_PORT);
        settings.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SSL");
        settings.put("inter.broker.listener.name", "SASL_SSL");
        settings.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
        settings.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        settings.put("listener.name.sasl_ssl.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" password=\""
                        + BROKER_PASSWORD + "\" user_broker=\"" + BROKER_PASSWORD + "\" user_admin=\"" + ADMIN_PASSWORD
                        + "\";");
        settings.put("ssl.keystore.location", keystore.toAbsolutePath().toString());
        settings.put("ssl.keystore.password", STORE_PASSWORD);
        settings.put("ssl.keystore.type", "PKCS12");
        settings.put("ssl.truststore.location", truststore.toAbsolutePath().toString());
        settings.put("ssl.truststore.password", STORE_PASSWORD);
        settings.put("ssl.truststore.type", "PKCS12");
        settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        settings.put("super.users", "User:broker;User:admin");
        settings.put("offsets.topic.replication.factor", "3");
        cluster = ThreeNodeCluster.start("secured", settings);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Map<String, String> tls() {
        Map<String, String> p = new HashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("ssl.truststore.location", truststore.toAbsolutePath().toString());
        p.put("ssl.truststore.password", STORE_PASSWORD);
        p.put("ssl.truststore.type", "PKCS12");
        return p;
    }

    private static Map<String, String> plain(String user, String password) {
        Map<String, String> p = tls();
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return p;
    }

    private static Map<String, String> scram(String user, String password) {
        Map<String, String> p = tls();
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return p;
    }

    private static Admin admin(Map<String, String> security) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        p.putAll(security);
        return Admin.create(p);
    }

    @Test
    void scramUserWritesAndReadsAReplicatedTopicAcrossSaslSslBrokers() throws Exception {
        String topic = "secured-orders";
        try (Admin admin = admin(plain("admin", ADMIN_PASSWORD))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), ALICE_PASSWORD))).all().get();
            admin.createAcls(List.of(
                    allow(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL)),
                    allow(new ResourcePattern(ResourceType.GROUP, "secured-", PatternType.PREFIXED)))).all().get();
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();
            Clients.awaitTopic(admin, topic, 3, Duration.ofSeconds(60));
        }

        List<byte[]> sent = new ArrayList<>();
        Map<String, String> producerSettings = scram("alice", ALICE_PASSWORD);
        producerSettings.put("acks", "all");
        producerSettings.put("enable.idempotence", "true");
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrap(), producerSettings)) {
            for (int i = 0; i < 300; i++) {
                byte[] value = ("secured-" + i).getBytes(StandardCharsets.UTF_8);
                sent.add(value);
                producer.send(new ProducerRecord<>(topic, i % 3, null, value)).get();
            }
        }

        Map<String, String> consumerSettings = scram("alice", ALICE_PASSWORD);
        consumerSettings.put("group.id", "secured-readers");
        consumerSettings.put("auto.offset.reset", "earliest");
        List<byte[]> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(cluster.bootstrap(), consumerSettings)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    received.add(r.value());
                }
            }
            consumer.commitSync();
        }
        assertEquals(sent.size(), received.size(), "every acknowledged record is read back");
        received.sort((a, b) -> Integer.compare(index(a), index(b)));
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), received.get(i));
        }

        try (Admin admin = admin(plain("admin", ADMIN_PASSWORD))) {
            ClusterAdmin.awaitFullIsr(admin, topic, Duration.ofSeconds(60));
        }
    }

    @Test
    void aWrongPasswordIsRefusedAndTheClusterKeepsServing() throws Exception {
        try (Admin intruder = admin(scram("alice", "not-her-password"))) {
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> intruder.describeCluster().nodes().get());
            assertTrue(refused.getCause() instanceof SaslAuthenticationException, refused.getCause().toString());
        }
        try (Admin admin = admin(plain("admin", ADMIN_PASSWORD))) {
            assertEquals(3, admin.describeCluster().nodes().get().size());
        }
    }

    private static AclBinding allow(ResourcePattern pattern) {
        return new AclBinding(pattern, new AccessControlEntry("User:alice", "*", AclOperation.ALL,
                AclPermissionType.ALLOW));
    }

    private static int index(byte[] value) {
        String s = new String(value, StandardCharsets.UTF_8);
        return Integer.parseInt(s.substring(s.indexOf('-') + 1));
    }
}
