package io.skein.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {

    @Test
    void defaultsMatchTheSingleNodeEmbeddedSetup() {
        BrokerConfig config = BrokerConfig.from(Map.of());

        assertEquals(1, config.nodeId());
        assertEquals(List.of(new ListenerSpec("PLAINTEXT", "127.0.0.1", 9092, SecurityProtocol.PLAINTEXT)),
                config.clientListeners());
        assertEquals(new ListenerSpec("CONTROLLER", "127.0.0.1", 9093, SecurityProtocol.PLAINTEXT),
                config.controllerListener());
        assertEquals(9093, config.voters().get(1).getPort());
        assertTrue(config.logDirs().get(0).endsWith("data"));
        assertTrue(config.getBoolean(BrokerConfigDef.AUTO_CREATE_TOPICS));
    }

    @Test
    void rejectsListenerWithUnknownProtocol() {
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of(
                "listeners", "FOO://127.0.0.1:0,CONTROLLER://127.0.0.1:9093")));
        assertTrue(e.getMessage().contains("FOO"), e.getMessage());
    }

    @Test
    void refusesSecuredListenersUntilSecurityExists() {
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of(
                "listeners", "SASL_SSL://127.0.0.1:9094,CONTROLLER://127.0.0.1:9093")));
        assertTrue(e.getMessage().contains("SASL_SSL"), e.getMessage());
    }

    @Test
    void authorizerIsOffByDefaultAndKafkasClassNamesTurnItOn() {
        assertTrue(BrokerConfig.from(Map.of()).authorizerSettings().isEmpty());
        BrokerConfig config = BrokerConfig.from(Map.of(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:admin;User:ops", "allow.everyone.if.no.acl.found", "true"));
        assertEquals(java.util.Set.of("User:admin", "User:ops"), config.authorizerSettings().orElseThrow().superUsers());
        assertTrue(config.authorizerSettings().orElseThrow().allowEveryoneIfNoAclFound());
        assertTrue(config.unknownKeys().isEmpty(), config.unknownKeys().toString());
    }

    @Test
    void rejectsAnAuthorizerSkeinDoesNotHave() {
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of(
                "authorizer.class.name", "com.example.MyAuthorizer")));
        assertTrue(e.getMessage().contains("authorizer.class.name") && e.getMessage().contains("com.example.MyAuthorizer"),
                e.getMessage());
    }

    @Test
    void rejectsNumberThatIsNotANumber() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> BrokerConfig.from(Map.of("num.partitions", "abc")));
        assertTrue(e.getMessage().contains("num.partitions") && e.getMessage().contains("abc"), e.getMessage());
    }

    @Test
    void rejectsPortOutOfRange() {
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:70000,CONTROLLER://127.0.0.1:9093")));
    }

    @Test
    void rejectsControllerThatIsNotAVoter() {
        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of("node.id", "2")));
    }

    @Test
    void reportsUnknownKeysWithoutFailing() {
        BrokerConfig config = BrokerConfig.from(Map.of("no.such.key", "1", "log.retention.hours", "24"));

        assertEquals(List.of("no.such.key"), config.unknownKeys());
    }

    @Test
    void topicDefaultsComeFromBrokerSynonyms() {
        BrokerConfig config = BrokerConfig.from(Map.of("log.retention.hours", "24", "log.segment.bytes", "2097152"));

        assertEquals(86_400_000L, config.logConfig(Map.of()).retentionMs());
        assertEquals(2_097_152, config.logConfig(Map.of()).segmentBytes());
        assertEquals(3_000_000, config.logConfig(Map.of("segment.bytes", "3000000")).segmentBytes());
    }

    @Test
    void advertisedListenersDefaultToClientListeners() {
        BrokerConfig config = BrokerConfig.from(Map.of());

        assertEquals(1, config.advertisedListeners().size());
        assertEquals("PLAINTEXT", config.advertisedListeners().get(0).name());
        assertNull(config.getString(BrokerConfigDef.BROKER_RACK));
    }

    @Test
    void dedicatedControllerNeedsNoClientListener() {
        BrokerConfig config = BrokerConfig.from(Map.of("process.roles", "controller",
                "listeners", "CONTROLLER://127.0.0.1:9093"));

        assertTrue(config.isController());
        assertTrue(!config.isBroker());
        assertTrue(config.clientListeners().isEmpty());
    }

    @Test
    void bootstrapServersMustBeVoters() {
        Map<String, String> base = Map.of("controller.quorum.voters", "1@127.0.0.1:9093,2@127.0.0.1:9193",
                "controller.quorum.bootstrap.servers", "127.0.0.1:9193");
        assertEquals(2, BrokerConfig.from(base).voters().size());

        assertThrows(ConfigException.class, () -> BrokerConfig.from(Map.of(
                "controller.quorum.voters", "1@127.0.0.1:9093",
                "controller.quorum.bootstrap.servers", "127.0.0.1:9999")));
    }
}
