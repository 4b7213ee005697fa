package io.skein.it.security;

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
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SASL/PLAIN on SASL_PLAINTEXT and SASL_SSL listeners, users from each listener's JAAS config
 * (Kafka's {@code listener.name.<l>.plain.sasl.jaas.config}): kafka-clients with the right
 * password produce and consume, a wrong password gets SaslAuthenticationException, a request
 * before authentication closes the connection, SaslHandshake on a PLAINTEXT listener is
 * ILLEGAL_SASL_STATE, and a mechanism Skein does not serve stops the start with a message.
 */
class SaslPlainTest {

    private static final String PASSWORD = "store-secret";
    private static final Path DIR = TestBroker.freshDataDir("sasl-certs");
    private static SkeinNode node;
    private static int plainPort;
    private static int saslPort;
    private static int saslSslPort;
    private static Path truststore;

    @BeforeAll
    static void start() {
        TestCertificates.Issued ca = TestCertificates.ca("Skein SASL Test CA");
        Path keystore = TestCertificates.keyStore(DIR.resolve("broker.p12"), "PKCS12",
                TestCertificates.issue(ca, "CN=broker", true), PASSWORD);
        truststore = TestCertificates.trustStore(DIR.resolve("trust.p12"), "PKCS12", ca, PASSWORD);
        plainPort = SkeinNode.freePort();
        saslPort = SkeinNode.freePort();
        saslSslPort = SkeinNode.freePort();
        int controller = SkeinNode.freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                + ",SASL_SSL://127.0.0.1:" + saslSslPort + ",CONTROLLER://127.0.0.1:" + controller);
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        settings.put("sasl.enabled.mechanisms", "PLAIN");
        settings.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"alice-secret\";");
        settings.put("listener.name.sasl_ssl.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_bob=\"bob-secret\" "
                        + "user_carol=\"carol-secret\";");
        settings.put("ssl.keystore.type", "PKCS12");
        settings.put("ssl.keystore.location", keystore.toString());
        settings.put("ssl.keystore.password", PASSWORD);
        node = SkeinNode.start("sasl-plain", TestBroker.freshDataDir("sasl-plain"), settings);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static Map<String, String> client(String protocol, String user, String password) {
        Map<String, String> c = new HashMap<>();
        c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        c.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        c.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"" + user + "\" password=\"" + password + "\";");
        if (protocol.equals("SASL_SSL")) {
            c.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.toString());
            c.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, PASSWORD);
            c.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        }
        return c;
    }

    private static Admin admin(int port, Map<String, String> security) {
        Map<String, Object> p = new HashMap<>(security);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        return Admin.create(p);
    }

    private static void roundTrip(int port, Map<String, String> security, String topic) throws Exception {
        String bootstrap = "127.0.0.1:" + port;
        try (Admin admin = admin(port, security)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, security)) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(topic, 0, ("k" + i).getBytes(), ("v" + i).getBytes())).get();
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, security)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.size() < 20 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(read::add);
            }
            assertEquals(20, read.size());
            assertEquals("v19", new String(read.get(19).value()));
        }
    }

    @Test
    void usersOfEachListenerProduceAndConsume() throws Exception {
        roundTrip(saslPort, client("SASL_PLAINTEXT", "alice", "alice-secret"), "sasl-plaintext-topic");
        roundTrip(saslSslPort, client("SASL_SSL", "carol", "carol-secret"), "sasl-ssl-topic");
    }

    @Test
    void wrongPasswordsAndOtherListenersUsersAreRefused() {
        for (Map<String, String> bad : List.of(client("SASL_PLAINTEXT", "alice", "wrong"),
                client("SASL_PLAINTEXT", "bob", "bob-secret"), client("SASL_SSL", "alice", "alice-secret"))) {
            try (Admin admin = admin(bad.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG).equals("SASL_SSL")
                    ? saslSslPort : saslPort, bad)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> admin.describeCluster().nodes().get());
                assertInstanceOf(SaslAuthenticationException.class, e.getCause(), e.toString());
            }
        }
        assertTrue(node.logged(l -> l.contains("Failed SASL authentication")));
    }

    @Test
    void requestsBeforeAuthenticationCloseTheConnection() throws Exception {
        try (RawKafkaConnection c = RawKafkaConnection.open("127.0.0.1", saslPort, Duration.ofSeconds(10))) {
            c.sendRequest(ApiKeys.METADATA, (short) 12, 1, new MetadataRequestData().setTopics(null), (short) 12);
            c.assertClosedByBroker();
        }
        try (RawKafkaConnection c = RawKafkaConnection.open("127.0.0.1", plainPort, Duration.ofSeconds(10))) {
            c.sendRequest(ApiKeys.SASL_HANDSHAKE, (short) 1, 2, new SaslHandshakeRequestData().setMechanism("PLAIN"),
                    (short) 1);
            ByteBuffer frame = c.readFrame();
            ResponseHeader.parse(frame, ApiKeys.SASL_HANDSHAKE.responseHeaderVersion((short) 1));
            SaslHandshakeResponseData response = new SaslHandshakeResponseData(new ByteBufferAccessor(frame), (short) 1);
            assertEquals(Errors.ILLEGAL_SASL_STATE.code(), response.errorCode());
        }
        try (RawKafkaConnection c = RawKafkaConnection.open("127.0.0.1", saslPort, Duration.ofSeconds(10))) {
            c.sendRequest(ApiKeys.SASL_HANDSHAKE, (short) 1, 3, new SaslHandshakeRequestData()
                    .setMechanism("SCRAM-SHA-256"), (short) 1);
            ByteBuffer frame = c.readFrame();
            ResponseHeader.parse(frame, ApiKeys.SASL_HANDSHAKE.responseHeaderVersion((short) 1));
            SaslHandshakeResponseData response = new SaslHandshakeResponseData(new ByteBufferAccessor(frame), (short) 1);
            assertEquals(Errors.UNSUPPORTED_SASL_MECHANISM.code(), response.errorCode());
            assertEquals(List.of("PLAIN"), response.mechanisms());
        }
    }

    @Test
    void aFailedAuthenticationIsAnsweredThenTheConnectionIsClosed() throws Exception {
        try (RawKafkaConnection c = RawKafkaConnection.open("127.0.0.1", saslPort, Duration.ofSeconds(10))) {
            c.sendRequest(ApiKeys.SASL_HANDSHAKE, (short) 1, 1, new SaslHandshakeRequestData().setMechanism("PLAIN"),
                    (short) 1);
            c.readFrame();
            long sent = System.nanoTime();
            c.sendRequest(ApiKeys.SASL_AUTHENTICATE, (short) 2, 2, new SaslAuthenticateRequestData()
                    .setAuthBytes("\u0000alice\u0000wrong".getBytes(java.nio.charset.StandardCharsets.UTF_8)), (short) 2);
            ByteBuffer frame = c.readFrame();
            assertTrue(System.nanoTime() - sent >= Duration.ofMillis(90).toNanos(),
                    "connection.failed.authentication.delay.ms (100) holds the answer back");
            ResponseHeader.parse(frame, ApiKeys.SASL_AUTHENTICATE.responseHeaderVersion((short) 2));
            SaslAuthenticateResponseData response = new SaslAuthenticateResponseData(new ByteBufferAccessor(frame),
                    (short) 2);
            assertEquals(Errors.SASL_AUTHENTICATION_FAILED.code(), response.errorCode());
            c.assertClosedByBroker();
        }
        // others are unaffected
        try (Admin admin = admin(saslPort, client("SASL_PLAINTEXT", "alice", "alice-secret"))) {
            assertEquals(1, admin.describeCluster().nodes().get().size());
        }
    }

    @Test
    void anUnsupportedMechanismStopsTheStart() {
        List<String> args = List.of("--set", "listeners=SASL_PLAINTEXT://127.0.0.1:" + SkeinNode.freePort()
                        + ",CONTROLLER://127.0.0.1:" + SkeinNode.freePort(),
                "--set", "controller.quorum.voters=1@127.0.0.1:" + SkeinNode.freePort(),
                "--set", "log.dirs=" + TestBroker.freshDataDir("sasl-refused"),
                "--set", "sasl.enabled.mechanisms=GSSAPI");
        Processes.Result r = Processes.run(SkeinNode.javaCommand(args), null, Map.of(), Duration.ofSeconds(60));
        assertNotEquals(0, r.exitCode(), r.describe());
        assertTrue(r.output().contains("GSSAPI"), r.describe());
    }
}
