package io.skein.security.tls;

import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/** {@code ssl.client.auth}: whether a TLS client must present a certificate. */
public enum ClientAuth {
    NONE, REQUESTED, REQUIRED;

    static ClientAuth parse(String value) {
        try {
            return value == null ? NONE : valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ssl.client.auth", value, "must be one of none, requested, required");
        }
    }
}
