package io.skein.it.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.Processes;
import io.skein.it.harness.RawKafkaConnection;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestBroker;
import io.skein.it.harness.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SSL listeners with real certificates (a test CA, a broker certificate for 127.0.0.1): kafka-clients
 * produce and consume through TLS byte for byte (records larger than the 64 KiB copy chunks),
 * keystores in PKCS12, JKS and inline PEM, {@code ssl.client.auth=required} refuses a client
 * without a certificate and accepts one the CA signed, kcat (OpenSSL) works, plaintext on the TLS
 * port is closed while the broker keeps serving, and a keystore with a wrong password stops the start.
 */
class TlsListenerTest {

    private static final String PASSWORD = "test-secret";
    private static final Path DIR = TestBroker.freshDataDir("tls-certs");
    private static TestCertificates.Issued ca;
    private static TestCertificates.Issued brokerCert;
    private static TestCertificates.Issued clientCert;
    private static Path truststore;

    @BeforeAll
    static void certificates() {
        ca = TestCertificates.ca("Skein Test CA");
        brokerCert = TestCertificates.issue(ca, "CN=broker,O=Skein", true);
        clientCert = TestCertificates.issue(ca, "CN=alice,O=Skein", false);
        truststore = TestCertificates.trustStore(DIR.resolve("truststore.p12"), "PKCS12", ca, PASSWORD);
    }

    /** A node with PLAINTEXT and SSL listeners; {@code ssl} holds the SSL listener's settings (unprefixed). */
    private record TlsNode(SkeinNode node, int sslPort) implements AutoCloseable {
        String sslBootstrap() {
            return "127.0.0.1:" + sslPort;
        }

        @Override
        public void close() {
            node.close();
        }
    }

    private static TlsNode start(String name, Map<String, String> ssl) {
        int plain = SkeinNode.freePort();
        int secure = SkeinNode.freePort();
        int controller = SkeinNode.freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + plain + ",SSL://127.0.0.1:" + secure
                + ",CONTROLLER://127.0.0.1:" + controller);
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        ssl.forEach((k, v) -> settings.put("listener.name.ssl." + k, v));
        return new TlsNode(SkeinNode.start(name, TestBroker.freshDataDir(name), settings), secure);
    }

    private static Map<String, String> pkcs12Keystore() {
        Path keystore = TestCertificates.keyStore(DIR.resolve("broker.p12"), "PKCS12", brokerCert, PASSWORD);
        return Map.of("ssl.keystore.type", "PKCS12", "ssl.keystore.location", keystore.toString(),
                "ssl.keystore.password", PASSWORD);
    }

    private static Map<String, String> clientTls(boolean withCertificate) {
        Map<String, String> c = new HashMap<>();
        c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        c.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.toString());
        c.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, PASSWORD);
        c.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        if (withCertificate) {
            Path keystore = TestCertificates.keyStore(DIR.resolve("client.p12"), "PKCS12", clientCert, PASSWORD);
            c.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore.toString());
            c.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, PASSWORD);
            c.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        }
        return c;
    }

    private static Admin admin(String bootstrap, Map<String, String> tls) {
        Map<String, Object> p = new HashMap<>(tls);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(p);
    }

    /** Produces records of 1..150 KiB through TLS and reads them back byte for byte. */
    private static void roundTrip(String bootstrap, Map<String, String> tls, String topic) throws Exception {
        try (Admin admin = admin(bootstrap, tls)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Random random = new Random(42);
        List<byte[]> sent = new ArrayList<>();
        Map<String, String> producerConfig = new HashMap<>(tls);
        producerConfig.put("max.request.size", "1048576");
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, producerConfig)) {
            for (int i = 0; i < 40; i++) {
                byte[] value = new byte[1024 + random.nextInt(150 * 1024)];
                random.nextBytes(value);
                sent.add(value);
                producer.send(new ProducerRecord<>(topic, 0, ("k" + i).getBytes(), value)).get();
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, tls)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read.size() < sent.size() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(read::add);
            }
            assertEquals(sent.size(), read.size());
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), read.get(i).value(), "record " + i);
            }
        }
    }

    @Test
    void clientsProduceAndConsumeThroughTlsAndPlaintextOnTheTlsPortIsClosed() throws Exception {
        try (TlsNode broker = start("tls-pkcs12", pkcs12Keystore())) {
            roundTrip(broker.sslBootstrap(), clientTls(false), "tls-round-trip");

            try (RawKafkaConnection plain = RawKafkaConnection.open("127.0.0.1", broker.sslPort(), Duration.ofSeconds(10))) {
                plain.sendRaw(new byte[] {0, 0, 0, 20, 0, 18, 0, 3, 0, 0, 0, 1, 0, 4, 't', 'e', 's', 't', 0, 0, 0, 0});
                plain.assertClosedByBroker();
            }
            assertTrue(broker.node().logged(l -> l.contains("TLS handshake failed")),
                    broker.node().outputTail());
            // the broker keeps serving TLS clients
            try (Admin admin = admin(broker.sslBootstrap(), clientTls(false))) {
                assertEquals(1, admin.describeCluster().nodes().get().size());
            }
        }
    }

    @Test
    void requiredClientAuthRefusesClientsWithoutACertificate() throws Exception {
        Path keystore = TestCertificates.keyStore(DIR.resolve("broker.jks"), "JKS", brokerCert, PASSWORD);
        Map<String, String> ssl = Map.of("ssl.keystore.type", "JKS", "ssl.keystore.location", keystore.toString(),
                "ssl.keystore.password", PASSWORD, "ssl.truststore.type", "PKCS12",
                "ssl.truststore.location", truststore.toString(), "ssl.truststore.password", PASSWORD,
                "ssl.client.auth", "required");
        try (TlsNode broker = start("tls-mtls", ssl)) {
            try (Admin anonymous = admin(broker.sslBootstrap(), clientTls(false))) {
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> anonymous.describeCluster().nodes().get());
                assertInstanceOf(SslAuthenticationException.class, refused.getCause());
            }
            roundTrip(broker.sslBootstrap(), clientTls(true), "mtls-round-trip");
        }
    }

    @Test
    void inlinePemKeystoreWorksWithKcat() throws Exception {
        Map<String, String> ssl = Map.of("ssl.keystore.type", "PEM",
                "ssl.keystore.certificate.chain", TestCertificates.pem(brokerCert.chain()),
                "ssl.keystore.key", TestCertificates.pemPrivateKey(brokerCert));
        try (TlsNode broker = start("tls-pem", ssl)) {
            roundTrip(broker.sslBootstrap(), clientTls(false), "pem-round-trip");
            Processes.require("kcat");
            Path caPem = DIR.resolve("ca.pem");
            java.nio.file.Files.writeString(caPem, TestCertificates.pem(ca.certificate()));
            Processes.Result produced = Processes.run(List.of("kcat", "-P", "-b", broker.sslBootstrap(), "-X",
                    "security.protocol=ssl", "-X", "ssl.ca.location=" + caPem, "-t", "kcat-tls", "-K:"),
                    "a:1\nb:2\nc:3\n", Map.of(), Duration.ofSeconds(60));
            assertEquals(0, produced.exitCode(), produced.describe());
            Processes.Result consumed = Processes.run(List.of("kcat", "-C", "-b", broker.sslBootstrap(), "-X",
                    "security.protocol=ssl", "-X", "ssl.ca.location=" + caPem, "-t", "kcat-tls", "-e", "-f",
                    "%k=%s\\n"), null, Map.of(), Duration.ofSeconds(60));
            assertEquals(0, consumed.exitCode(), consumed.describe());
            assertEquals(List.of("a=1", "b=2", "c=3"), consumed.output().lines().filter(l -> l.contains("=")).toList());
        }
    }

    @Test
    void aKeystoreThatCannotBeOpenedStopsTheStart() {
        Path keystore = TestCertificates.keyStore(DIR.resolve("broker-bad.p12"), "PKCS12", brokerCert, PASSWORD);
        List<String> args = new ArrayList<>(List.of("--set", "listeners=SSL://127.0.0.1:" + SkeinNode.freePort()
                + ",CONTROLLER://127.0.0.1:" + SkeinNode.freePort()));
        args.addAll(List.of("--set", "controller.quorum.voters=1@127.0.0.1:" + SkeinNode.freePort(),
                "--set", "log.dirs=" + TestBroker.freshDataDir("tls-bad"),
                "--set", "ssl.keystore.type=PKCS12", "--set", "ssl.keystore.location=" + keystore,
                "--set", "ssl.keystore.password=wrong-password"));
        Processes.Result r = Processes.run(SkeinNode.javaCommand(args), null, Map.of(), Duration.ofSeconds(60));
        assertNotEquals(0, r.exitCode(), r.describe());
        assertTrue(r.output().contains("keystore"), r.describe());
    }
}
