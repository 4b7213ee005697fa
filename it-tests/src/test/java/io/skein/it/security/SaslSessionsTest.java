package io.skein.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.RawKafkaConnection;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SASL sessions over time and SASL bad input on a SASL_PLAINTEXT listener with
 * {@code connections.max.reauth.ms}: kafka-clients re-authenticates on its connections and keeps
 * working; a connection that lets its session expire is closed at its next request; a truncated
 * handshake, SaslAuthenticate before SaslHandshake, an unknown mechanism and an oversized token
 * each close only their own connection while an authenticated client carries on.
 */
class SaslSessionsTest {

    private static final long REAUTH_MS = 2_000;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static SkeinNode node;
    private static int saslPort;

    @BeforeAll
    static void start() {
        saslPort = SkeinNode.freePort();
        int controller = SkeinNode.freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "SASL_PLAINTEXT://127.0.0.1:" + saslPort + ",CONTROLLER://127.0.0.1:" + controller);
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        settings.put("sasl.enabled.mechanisms", "PLAIN");
        settings.put("connections.max.reauth.ms", Long.toString(REAUTH_MS));
        settings.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"alice-secret\";");
        node = SkeinNode.start("sasl-sessions", TestBroker.freshDataDir("sasl-sessions"), settings);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static Map<String, String> alice() {
        return Map.of(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"alice\" password=\"alice-secret\";");
    }

    private static Admin admin() {
        Map<String, Object> p = new HashMap<>(alice());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + saslPort);
        return Admin.create(p);
    }

    private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
        return metrics.entrySet().stream().filter(e -> e.getKey().name().equals(name))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }

    @Test
    void kafkaClientsReauthenticateAndKeepProducing() throws Exception {
        String topic = "reauth-" + System.nanoTime();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer("127.0.0.1:" + saslPort, alice())) {
            long end = System.nanoTime() + Duration.ofMillis(REAUTH_MS * 3 + 1_000).toNanos();
            int sent = 0;
            while (System.nanoTime() < end) {
                producer.send(new ProducerRecord<>(topic, ("r" + sent).getBytes(StandardCharsets.UTF_8))).get();
                sent++;
                Thread.sleep(100);
            }
            assertTrue(metric(producer.metrics(), "successful-reauthentication-total") >= 2,
                    "the producer re-authenticated on its connections: " + metric(producer.metrics(),
                            "successful-reauthentication-total"));
            assertEquals(0, metric(producer.metrics(), "failed-reauthentication-total"));
        }
    }

    @Test
    void aConnectionWhoseSessionExpiredIsClosedAtItsNextRequest() throws Exception {
        try (RawKafkaConnection c = RawKafkaConnection.open("127.0.0.1", saslPort, READ_TIMEOUT)) {
            SaslHandshakeResponseData handshake = (SaslHandshakeResponseData) c.call(ApiKeys.SASL_HANDSHAKE, (short) 1,
                    new SaslHandshakeRequestData().setMechanism("PLAIN"));
            assertEquals(Errors.NONE.code(), handshake.errorCode());
            SaslAuthenticateResponseData authenticated = (SaslAuthenticateResponseData) c.call(
                    ApiKeys.SASL_AUTHENTICATE, (short) 2, new SaslAuthenticateRequestData()
                            .setAuthBytes("\0alice\0alice-secret".getBytes(StandardCharsets.UTF_8)));
            assertEquals(Errors.NONE.code(), authenticated.errorCode());
            assertEquals(REAUTH_MS, authenticated.sessionLifetimeMs());
            c.call(ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(List.of()));

            Thread.sleep(REAUTH_MS + 500);
            c.sendRequest(ApiKeys.METADATA, (short) 12, 99, new MetadataRequestData().setTopics(List.of()), (short) 12);
            c.assertClosedByBroker();
        }
        assertTrue(node.logged(l -> l.contains("SASL session expired")), node.outputTail());
    }

    @Test
    void badSaslInputClosesOnlyItsOwnConnection() throws Exception {
        try (Admin witness = admin()) {
            witness.describeCluster().nodes().get();

            // a SaslHandshake whose body is cut short
            try (RawKafkaConnection c = RawKafkaConnection.open("127.0.0.1", saslPort, READ_TIMEOUT)) {
                byte[] body = RawKafkaConnection.serialize(new SaslHandshakeRequestData().setMechanism("PLAIN"), (short) 1);
                c.sendFrame(RawKafkaConnection.header(ApiKeys.SASL_HANDSHAKE, (short) 1, 1), Arrays.copyOf(body, 3));
                c.assertClosedByBroker();
            }
            assertEquals(1, witness.describeCluster().nodes().get().size());

            // SaslAuthenticate before any SaslHandshake: closed without an answer, as Kafka 4 does
            try (RawKafkaConnection c = RawKafkaConnection.open("127.0.0.1", saslPort, READ_TIMEOUT)) {
                c.sendRequest(ApiKeys.SASL_AUTHENTICATE, (short) 2, 1, new SaslAuthenticateRequestData()
                        .setAuthBytes("\0alice\0alice-secret".getBytes(StandardCharsets.UTF_8)), (short) 2);
                c.assertClosedByBroker();
            }
            assertEquals(1, witness.describeCluster().nodes().get().size());

            // a mechanism the listener does not enable: the enabled ones are named, then the connection closes
            try (RawKafkaConnection c = RawKafkaConnection.open("127.0.0.1", saslPort, READ_TIMEOUT)) {
                SaslHandshakeResponseData refused = (SaslHandshakeResponseData) c.call(ApiKeys.SASL_HANDSHAKE,
                        (short) 1, new SaslHandshakeRequestData().setMechanism("GSSAPI"));
                assertEquals(Errors.UNSUPPORTED_SASL_MECHANISM.code(), refused.errorCode());
                assertEquals(List.of("PLAIN"), refused.mechanisms());
                c.assertClosedByBroker();
            }
            assertEquals(1, witness.describeCluster().nodes().get().size());

            // a SASL token above sasl.server.max.receive.size (512 KiB): closed before it is buffered
            try (RawKafkaConnection c = RawKafkaConnection.open("127.0.0.1", saslPort, READ_TIMEOUT)) {
                c.call(ApiKeys.SASL_HANDSHAKE, (short) 1, new SaslHandshakeRequestData().setMechanism("PLAIN"));
                try {
                    c.sendRequest(ApiKeys.SASL_AUTHENTICATE, (short) 2, 5, new SaslAuthenticateRequestData()
                            .setAuthBytes(new byte[600 * 1024]), (short) 2);
                } catch (java.net.SocketException e) {
                    // the broker closed the connection while the body was still being sent: what is checked here
                }
                c.assertClosedByBroker();
            }
            assertTrue(node.logged(l -> l.contains("sasl.server.max.receive.size")),
                    node.outputTail());
            assertEquals(1, witness.describeCluster().nodes().get().size());
        }
    }
}
