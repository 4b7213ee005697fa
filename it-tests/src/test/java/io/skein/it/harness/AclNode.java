package io.skein.it.harness;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * A single Skein node for authorization tests: its client listener is SASL_PLAINTEXT with PLAIN
 * users {@code admin}, {@code alice} and {@code bob} (each with the password {@code <user>-secret}),
 * Kafka's StandardAuthorizer is on and {@code User:admin} is the super user.
 */
public final class AclNode {

    private AclNode() {
    }

    /** Starts the node with these settings on top (e.g. internal topic sizes) and waits until it is ready. */
    public static SkeinNode start(String name, Path dataDir, Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listeners", "SASL_PLAINTEXT://127.0.0.1:" + SkeinNode.CLIENT_PORT
                + ",CONTROLLER://127.0.0.1:" + SkeinNode.CONTROLLER_PORT);
        settings.put("sasl.enabled.mechanisms", "PLAIN");
        settings.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_admin=\"admin-secret\" "
                        + "user_alice=\"alice-secret\" user_bob=\"bob-secret\";");
        settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        settings.put("super.users", "User:admin");
        settings.putAll(extra);
        return SkeinNode.start(name, dataDir, settings);
    }

    /** Client settings that log in as {@code user} over SASL_PLAINTEXT with PLAIN; a mutable copy. */
    public static Map<String, String> login(String user) {
        Map<String, String> c = new HashMap<>();
        c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        c.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        c.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"" + user + "\" password=\"" + user + "-secret\";");
        return c;
    }
}
