package io.skein.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.KafkaTools;
import io.skein.it.harness.Processes;
import io.skein.it.harness.RawKafkaConnection;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * Kafka's own {@code kafka-configs} (org.apache.kafka.tools.ConfigCommand from kafka-tools 4.4.0)
 * manages SCRAM users on Skein as the operator would: add a SCRAM-SHA-512 credential, list
 * it with --describe, authenticate with it, refuse too few iterations with Kafka's message, and
 * delete it.
 */
class KafkaConfigsScramTest {

    private static final String TOOL = "org.apache.kafka.tools.ConfigCommand";

    private static Processes.Result configs(String bootstrap, String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", bootstrap));
        all.addAll(List.of(args));
        return KafkaTools.run(TOOL, all, Duration.ofMinutes(1));
    }

    private static int clusterSize(String bootstrap, String user, String password) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        p.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        p.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + user + "\" password=\"" + password + "\";");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        try (Admin admin = Admin.create(p)) {
            return admin.describeCluster().nodes().get().size();
        }
    }

    @Test
    void kafkaConfigsAddsDescribesAndDeletesScramUsers() throws Exception {
        int plain = SkeinNode.freePort();
        int sasl = SkeinNode.freePort();
        int controller = SkeinNode.freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + plain + ",SASL_PLAINTEXT://127.0.0.1:" + sasl
                + ",CONTROLLER://127.0.0.1:" + controller);
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        settings.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        try (SkeinNode node = SkeinNode.start("kafka-configs-scram", TestBroker.freshDataDir("kafka-configs-scram"),
                settings)) {
            String operator = "127.0.0.1:" + plain;
            Processes.Result added = configs(operator, "--alter", "--entity-type", "users", "--entity-name", "carol",
                    "--add-config", "SCRAM-SHA-512=[password=carol-secret]");
            assertEquals(0, added.exitCode(), added.describe());
            assertTrue(added.output().contains("Completed updating config for user carol."), added.describe());

            Processes.Result described = configs(operator, "--describe", "--entity-type", "users");
            assertEquals(0, described.exitCode(), described.describe());
            assertTrue(described.output().contains("SCRAM credential configs for user-principal 'carol' are "
                    + "SCRAM-SHA-512=iterations=4096"), described.describe());
            assertEquals(1, clusterSize("127.0.0.1:" + sasl, "carol", "carol-secret"));

            Processes.Result tooFew = configs(operator, "--alter", "--entity-type", "users", "--entity-name", "dave",
                    "--add-config", "SCRAM-SHA-512=[iterations=100,password=dave-secret]");
            assertNotEquals(0, tooFew.exitCode(), tooFew.describe());
            assertTrue(tooFew.output().contains("Iterations 100 is less than the minimum 4096"), tooFew.describe());

            // a filter Kafka refuses is refused the same way; no quotas exist, so a valid one matches none
            try (RawKafkaConnection c = RawKafkaConnection.open("127.0.0.1", plain, Duration.ofSeconds(10))) {
                DescribeClientQuotasRequestData.ComponentData user = new DescribeClientQuotasRequestData.ComponentData()
                        .setEntityType("user").setMatchType((byte) 1);
                DescribeClientQuotasResponseData twice = (DescribeClientQuotasResponseData) c.call(
                        ApiKeys.DESCRIBE_CLIENT_QUOTAS, (short) 1,
                        new DescribeClientQuotasRequestData().setComponents(List.of(user, user)));
                assertEquals(Errors.INVALID_REQUEST.code(), twice.errorCode());
                DescribeClientQuotasResponseData none = (DescribeClientQuotasResponseData) c.call(
                        ApiKeys.DESCRIBE_CLIENT_QUOTAS, (short) 1,
                        new DescribeClientQuotasRequestData().setComponents(List.of(user)));
                assertEquals(Errors.NONE.code(), none.errorCode());
                assertEquals(0, none.entries().size());
            }

            Processes.Result one = configs(operator, "--describe", "--entity-type", "users", "--entity-name", "carol");
            assertTrue(one.output().contains("SCRAM credential configs for user-principal 'carol' are "
                    + "SCRAM-SHA-512=iterations=4096"), one.describe());

            Processes.Result deleted = configs(operator, "--alter", "--entity-type", "users", "--entity-name", "carol",
                    "--delete-config", "SCRAM-SHA-512");
            assertEquals(0, deleted.exitCode(), deleted.describe());
            Processes.Result after = configs(operator, "--describe", "--entity-type", "users", "--entity-name", "carol");
            assertEquals(0, after.exitCode(), after.describe());
            assertTrue(!after.output().contains("SCRAM-SHA-512=iterations"), "carol has no credential left: "
                    + after.describe());
        }
    }
}
