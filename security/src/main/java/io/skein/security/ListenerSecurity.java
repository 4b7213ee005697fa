package io.skein.security;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * Decides whether a listener's security protocol can be served: PLAINTEXT, SSL, SASL_PLAINTEXT
 * and SASL_SSL (which SASL mechanisms a listener may enable is checked when its SASL settings
 * load, so nothing meant to be authenticated is served without it).
 */
public final class ListenerSecurity {

    private ListenerSecurity() {
    }

    /**
     * @throws ConfigException naming the listener when its protocol is not supported yet
     */
    public static void requireSupported(String key, String listenerName, SecurityProtocol protocol) {
        if (protocol != SecurityProtocol.PLAINTEXT && protocol != SecurityProtocol.SSL
                && protocol != SecurityProtocol.SASL_PLAINTEXT && protocol != SecurityProtocol.SASL_SSL) {
            throw new ConfigException(key, listenerName, "Listener " + listenerName + " uses security protocol "
                    + protocol + ", which Skein does not support");
        }
    }
}
