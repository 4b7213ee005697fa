package io.skein.security.sasl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.config.ConfigException;
import java.security.NoSuchAlgorithmException;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * The SASL side of one listener: the enabled mechanisms and, per mechanism, how to make a
 * {@link SaslServer} for one authentication. PLAIN (users from the JAAS config) and
 * SCRAM-SHA-256/512 (credentials from the metadata log, through a {@link ScramCredentialStore})
 * are served; GSSAPI and OAUTHBEARER are refused at start with a message saying so.
 *
 * <p>Immutable; {@link #newServer} is safe from any thread.
 */
public final class SaslListenerSettings {

    public static final String PLAIN = "PLAIN";

    private final String listenerName;
    private final List<String> mechanisms;
    private final PlainCredentials plain;
    private final ScramCredentialStore scramStore;
    private final long failedAuthenticationDelayMs;
    private final Map<String, Long> maxReauthMs;
    private final int maxReceiveSize;

    private SaslListenerSettings(String listenerName, List<String> mechanisms, PlainCredentials plain,
                                 ScramCredentialStore scramStore, long failedAuthenticationDelayMs,
                                 Map<String, Long> maxReauthMs, int maxReceiveSize) {
        this.listenerName = listenerName;
        this.mechanisms = mechanisms;
        this.plain = plain;
        this.scramStore = scramStore;
        this.failedAuthenticationDelayMs = failedAuthenticationDelayMs;
        this.maxReauthMs = maxReauthMs;
        this.maxReceiveSize = maxReceiveSize;
    }

    /** {@code sasl.server.max.receive.size}: the largest frame accepted before authentication completes. */
    public int maxReceiveSize() {
        return maxReceiveSize;
    }

    /**
     * {@code connections.max.reauth.ms} for the mechanism (KIP-368; a {@code <mechanism>.} prefixed
     * key wins over the listener's): how long an authentication lasts before the client must
     * re-authenticate on the same connection; 0 means sessions never expire.
     */
    public long maxReauthMs(String mechanism) {
        return maxReauthMs.getOrDefault(mechanism, 0L);
    }

    /** {@code connection.failed.authentication.delay.ms}: how long a failed authentication waits for its answer. */
    public long failedAuthenticationDelayMs() {
        return failedAuthenticationDelayMs;
    }

    /** The same settings looking SCRAM credentials up in {@code store}. */
    public SaslListenerSettings withScramStore(ScramCredentialStore store) {
        return new SaslListenerSettings(listenerName, mechanisms, plain, store, failedAuthenticationDelayMs,
                maxReauthMs, maxReceiveSize);
    }

    /**
     * @param listenerConfigs the listener's settings with {@code listener.name.<listener>.} already
     *     stripped from its overrides (so {@code plain.sasl.jaas.config} and {@code sasl.jaas.config}
     *     are found under those names)
     * @throws ConfigException naming the key when something is missing or unsupported
     */
    public static SaslListenerSettings load(String listenerName, Map<String, String> listenerConfigs) {
        String enabled = listenerConfigs.getOrDefault("sasl.enabled.mechanisms", "GSSAPI");
        List<String> mechanisms = new ArrayList<>();
        for (String m : enabled.split(",")) {
            String mechanism = m.trim().toUpperCase(Locale.ROOT);
            if (mechanism.isEmpty()) {
                continue;
            }
            if (!mechanism.equals(PLAIN) && !ScramKeys.isScram(mechanism)) {
                throw new ConfigException("sasl.enabled.mechanisms", enabled, "Listener " + listenerName
                        + ": SASL mechanism " + mechanism + " is not supported by Skein yet (supported: PLAIN, "
                        + "SCRAM-SHA-256, SCRAM-SHA-512)");
            }
            mechanisms.add(mechanism);
        }
        if (mechanisms.isEmpty()) {
            throw new ConfigException("sasl.enabled.mechanisms", enabled, "Listener " + listenerName
                    + " uses SASL but enables no mechanism");
        }
        PlainCredentials plain = null;
        if (mechanisms.contains(PLAIN)) {
            String key = "plain.sasl.jaas.config";
            String jaas = listenerConfigs.get(key);
            if (jaas == null) {
                key = "sasl.jaas.config";
                jaas = listenerConfigs.get(key);
            }
            if (jaas == null) {
                throw new ConfigException("listener.name." + listenerName.toLowerCase(Locale.ROOT)
                        + ".plain.sasl.jaas.config", null, "Listener " + listenerName + " enables SASL/PLAIN but has "
                        + "no JAAS config with its users (PlainLoginModule required user_<name>=\"<password>\";)");
            }
            plain = PlainCredentials.fromJaas(key, jaas);
        }
        long delay = number(listenerConfigs, "connection.failed.authentication.delay.ms", "100");
        Map<String, Long> reauth = new java.util.HashMap<>();
        long listenerReauth = number(listenerConfigs, "connections.max.reauth.ms", "0");
        for (String mechanism : mechanisms) {
            String key = mechanism.toLowerCase(Locale.ROOT) + ".connections.max.reauth.ms";
            reauth.put(mechanism, listenerConfigs.containsKey(key)
                    ? number(listenerConfigs, key, "0") : listenerReauth);
        }
        long maxReceive = number(listenerConfigs, "sasl.server.max.receive.size", "524288");
        if (maxReceive < 1 || maxReceive > Integer.MAX_VALUE) {
            throw new ConfigException("sasl.server.max.receive.size", maxReceive, "must be a positive number of bytes");
        }
        return new SaslListenerSettings(listenerName, List.copyOf(mechanisms), plain, ScramCredentialStore.EMPTY,
                delay, Map.copyOf(reauth), (int) maxReceive);
    }

    /** A non-negative number setting (milliseconds or bytes). */
    private static long number(Map<String, String> configs, String key, String defaultValue) {
        String value = configs.getOrDefault(key, defaultValue).trim();
        try {
            long ms = Long.parseLong(value);
            if (ms < 0) {
                throw new ConfigException(key, value, "must not be negative");
            }
            return ms;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "must be a whole number");
        }
    }

    public String listenerName() {
        return listenerName;
    }

    public List<String> mechanisms() {
        return mechanisms;
    }

    /** A server for one authentication with {@code mechanism}, or null when it is not enabled here. */
    public SaslServer newServer(String mechanism) {
        if (!mechanisms.contains(mechanism)) {
            return null;
        }
        if (PLAIN.equals(mechanism)) {
            return new PlainSaslServer(plain.callbackHandler());
        }
        try {
            return new ScramServer(ScramMechanism.forMechanismName(mechanism), scramStore);
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
    }

}
