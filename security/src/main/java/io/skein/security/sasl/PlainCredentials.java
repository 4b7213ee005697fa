package io.skein.security.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.ConfigException;
import java.util.List;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;

/**
 * The users of SASL/PLAIN on one listener, from the JAAS config as Kafka reads it:
 * {@code org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";}
 * (each {@code user_<name>} option is a user and its password). Checks a username and password
 * in constant time.
 *
 * <p>Immutable; a new {@link CallbackHandler} per authentication.
 */
public final class PlainCredentials {

    private static final String USER_PREFIX = "user_";
    private final Map<String, byte[]> passwords;

    private PlainCredentials(Map<String, byte[]> passwords) {
        this.passwords = passwords;
    }

    /** @throws ConfigException when the JAAS text cannot be parsed or names no PlainLoginModule */
    static PlainCredentials fromJaas(String key, String jaasConfig) {
        List<AppConfigurationEntry> entries;
        try {
            // Kafka hands the JAAS loader the listener's settings with the listener prefix removed
            entries = JaasContext.loadServerContext(new ListenerName("SASL"), "PLAIN", Map.of(
                    "plain." + SaslConfigs.SASL_JAAS_CONFIG, new Password(jaasConfig))).configurationEntries();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "(hidden)", "Invalid JAAS config: " + e.getMessage());
        }
        Map<String, byte[]> users = new HashMap<>();
        for (AppConfigurationEntry entry : entries) {
            if (!entry.getLoginModuleName().endsWith("PlainLoginModule")) {
                throw new ConfigException(key, "(hidden)", "SASL/PLAIN needs "
                        + "org.apache.kafka.common.security.plain.PlainLoginModule, not " + entry.getLoginModuleName());
            }
            entry.getOptions().forEach((option, value) -> {
                if (option.startsWith(USER_PREFIX) && value instanceof String password) {
                    users.put(option.substring(USER_PREFIX.length()), password.getBytes(StandardCharsets.UTF_8));
                }
            });
        }
        return new PlainCredentials(Map.copyOf(users));
    }

    int userCount() {
        return passwords.size();
    }

    boolean check(String username, char[] password) {
        byte[] expected = passwords.get(username);
        byte[] given = new String(password).getBytes(StandardCharsets.UTF_8);
        // compare even for unknown users, so timing does not tell which users exist
        return MessageDigest.isEqual(expected == null ? new byte[given.length + 1] : expected, given)
                && expected != null;
    }

    /** The callback handler kafka-clients' PlainSaslServer calls with the client's username and password. */
    CallbackHandler callbackHandler() {
        return callbacks -> {
            String username = null;
            for (Callback callback : callbacks) {
                if (callback instanceof NameCallback name) {
                    username = name.getDefaultName();
                } else if (callback instanceof PlainAuthenticateCallback plain) {
                    plain.authenticated(username != null && check(username, plain.password()));
                } else {
                    throw new UnsupportedCallbackException(callback);
                }
            }
        };
    }
}
