package io.skein.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.skein.it.harness.Clients;
import io.skein.it.harness.Processes;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestBroker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnacceptableCredentialException;
import org.junit.jupiter.api.Test;

/**
 * SCRAM-SHA-256 and SCRAM-SHA-512 users managed with Admin's alterUserScramCredentials (as
 * {@code kafka-configs --entity-type users} does): they authenticate on a SASL listener, survive
 * a restart (they live in the metadata log), can be described and deleted, and bad requests get
 * Kafka's errors.
 */
class ScramTest {

    private static Admin admin(String bootstrap, Map<String, String> security) {
        Map<String, Object> p = new HashMap<>(security);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        return Admin.create(p);
    }

    private static Map<String, String> scram(String mechanism, String user, String password) {
        return Map.of(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, mechanism,
                SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"" + user + "\" password=\"" + password + "\";");
    }

    @Test
    void scramUsersAuthenticateSurviveARestartAndCanBeDeleted() throws Exception {
        int plain = SkeinNode.freePort();
        int sasl = SkeinNode.freePort();
        int controller = SkeinNode.freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + plain + ",SASL_PLAINTEXT://127.0.0.1:" + sasl
                + ",CONTROLLER://127.0.0.1:" + controller);
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        settings.put("sasl.enabled.mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512");
        String saslBootstrap = "127.0.0.1:" + sasl;
        try (SkeinNode node = SkeinNode.start("scram", TestBroker.freshDataDir("scram"), settings);
             Admin operator = admin("127.0.0.1:" + plain, Map.of())) {
            operator.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("alice", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192),
                            "alice-secret"),
                    new UserScramCredentialUpsertion("bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                            "bob-secret"))).all().get();

            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(saslBootstrap,
                    scram("SCRAM-SHA-256", "alice", "alice-secret"))) {
                producer.send(new ProducerRecord<>("scram-topic", "hello".getBytes())).get();
            }
            try (Admin bob = admin(saslBootstrap, scram("SCRAM-SHA-512", "bob", "bob-secret"))) {
                assertEquals(1, bob.describeCluster().nodes().get().size());
            }
            for (Map<String, String> bad : List.of(scram("SCRAM-SHA-256", "alice", "wrong"),
                    scram("SCRAM-SHA-512", "alice", "alice-secret"), scram("SCRAM-SHA-256", "nobody", "x"))) {
                try (Admin refused = admin(saslBootstrap, bad)) {
                    ExecutionException e = assertThrows(ExecutionException.class,
                            () -> refused.describeCluster().nodes().get());
                    assertInstanceOf(SaslAuthenticationException.class, e.getCause(), e.toString());
                }
            }

            // Debian's librdkafka (kcat) repeats its nonce in the client-final message (librdkafka#4895)
            Processes.require("kcat");
            List<String> kcat = List.of("kcat", "-b", saslBootstrap, "-X", "security.protocol=sasl_plaintext", "-X",
                    "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=bob", "-X", "sasl.password=bob-secret");
            List<String> produce = new java.util.ArrayList<>(kcat);
            produce.addAll(List.of("-P", "-t", "kcat-scram", "-K:"));
            Processes.Result produced = Processes.run(produce, "k1:v1\nk2:v2\n", Map.of(), java.time.Duration.ofSeconds(60));
            assertEquals(0, produced.exitCode(), produced.describe());
            List<String> consume = new java.util.ArrayList<>(kcat);
            consume.addAll(List.of("-C", "-t", "kcat-scram", "-e", "-f", "%k=%s\\n"));
            Processes.Result consumed = Processes.run(consume, null, Map.of(), java.time.Duration.ofSeconds(60));
            assertEquals(List.of("k1=v1", "k2=v2"), consumed.output().lines().filter(l -> l.contains("=")).toList(),
                    consumed.describe());

            Map<String, UserScramCredentialsDescription> described = operator.describeUserScramCredentials().all().get();
            assertEquals(List.of(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192)),
                    described.get("alice").credentialInfos());
            ExecutionException tooFew = assertThrows(ExecutionException.class, () -> operator.alterUserScramCredentials(
                    List.of(new UserScramCredentialUpsertion("carol", new ScramCredentialInfo(
                            ScramMechanism.SCRAM_SHA_256, 1000), "carol-secret"))).all().get());
            assertInstanceOf(UnacceptableCredentialException.class, tooFew.getCause());
            ExecutionException missing = assertThrows(ExecutionException.class, () -> operator.alterUserScramCredentials(
                    List.of(new UserScramCredentialDeletion("carol", ScramMechanism.SCRAM_SHA_256))).all().get());
            assertInstanceOf(ResourceNotFoundException.class, missing.getCause());

            node.restart();
            try (Admin alice = admin(saslBootstrap, scram("SCRAM-SHA-256", "alice", "alice-secret"))) {
                assertEquals(1, alice.describeCluster().nodes().get().size(), "alice still exists after a restart");
            }
            try (Admin again = admin("127.0.0.1:" + plain, Map.of())) {
                again.alterUserScramCredentials(List.of(
                        new UserScramCredentialDeletion("alice", ScramMechanism.SCRAM_SHA_256))).all().get();
                assertEquals(List.of("bob"), List.copyOf(again.describeUserScramCredentials().users().get()));
            }
            try (Admin deleted = admin(saslBootstrap, scram("SCRAM-SHA-256", "alice", "alice-secret"))) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> deleted.describeCluster().nodes().get());
                assertInstanceOf(SaslAuthenticationException.class, e.getCause());
            }
        }
    }
}
