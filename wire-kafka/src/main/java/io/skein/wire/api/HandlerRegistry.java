package io.skein.wire.api;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The APIs this node implements: for each API key its handler and the version range implemented
 * end to end. ApiVersions answers exactly this registry, so nothing is advertised without a
 * handler. Filled during start-up, then only read.
 */
public final class HandlerRegistry {

    /** One registered API. */
    public record Registration(ApiKeys apiKey, short minVersion, short maxVersion, RequestHandler handler) {
    }

    private final Map<ApiKeys, Registration> registrations = new EnumMap<>(ApiKeys.class);
    private final Map<String, Feature> features = new java.util.TreeMap<>();

    /**
     * A feature flag ApiVersions reports (version 3+) as supported from {@code minVersion} to
     * {@code maxVersion} and finalized at {@code finalizedLevel}; clients gate protocols on it.
     */
    public record Feature(String name, short minVersion, short maxVersion, short finalizedLevel) {
    }

    /** Advertises a feature; only for features whose protocol is registered and works end to end. */
    public HandlerRegistry feature(String name, int minVersion, int maxVersion, int finalizedLevel) {
        if (features.putIfAbsent(name, new Feature(name, (short) minVersion, (short) maxVersion,
                (short) finalizedLevel)) != null) {
            throw new IllegalStateException("feature " + name + " is already registered");
        }
        return this;
    }

    public Map<String, Feature> features() {
        return Collections.unmodifiableMap(features);
    }

    /**
     * Registers the handler for versions {@code minVersion..maxVersion} of {@code apiKey}, which
     * must lie within the versions kafka-clients can parse.
     */
    public HandlerRegistry register(ApiKeys apiKey, int minVersion, int maxVersion, RequestHandler handler) {
        if (minVersion < apiKey.oldestVersion() || maxVersion > apiKey.latestVersion(true) || minVersion > maxVersion) {
            throw new IllegalArgumentException(apiKey + " versions " + minVersion + ".." + maxVersion
                    + " are outside what kafka-clients supports (" + apiKey.oldestVersion() + ".."
                    + apiKey.latestVersion(true) + ")");
        }
        if (registrations.putIfAbsent(apiKey, new Registration(apiKey, (short) minVersion, (short) maxVersion, handler)) != null) {
            throw new IllegalStateException(apiKey + " is already registered");
        }
        return this;
    }

    /** Registers the handler for every version kafka-clients supports (stable versions only). */
    public HandlerRegistry register(ApiKeys apiKey, RequestHandler handler) {
        return register(apiKey, apiKey.oldestVersion(), apiKey.latestVersion(false), handler);
    }

    public Registration get(ApiKeys apiKey) {
        return registrations.get(apiKey);
    }

    public boolean supports(ApiKeys apiKey, short version) {
        Registration r = registrations.get(apiKey);
        return r != null && version >= r.minVersion() && version <= r.maxVersion();
    }

    public Map<ApiKeys, Registration> all() {
        return Collections.unmodifiableMap(registrations);
    }
}
