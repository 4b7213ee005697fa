package io.skein.security;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * Decides whether a listener's security protocol can be served: PLAINTEXT and SSL can today; a
 * listener configured for SASL is refused so that nothing that was meant to be authenticated is
 * ever served without it.
 */
public final class ListenerSecurity {

    private ListenerSecurity() {
    }

    /**
     * @throws ConfigException naming the listener when its protocol is not supported yet
     */
    public static void requireSupported(String key, String listenerName, SecurityProtocol protocol) {
        if (protocol != SecurityProtocol.PLAINTEXT && protocol != SecurityProtocol.SSL) {
            throw new ConfigException(key, listenerName, "Listener " + listenerName + " uses security protocol "
                    + protocol + ", which Skein does not support yet (PLAINTEXT and SSL; SASL is planned)");
        }
    }
}
