package io.skein.broker.config;

import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * One entry of {@code listeners} or {@code advertised.listeners}: {@code NAME://host:port}.
 *
 * @param name the listener name, upper case (e.g. PLAINTEXT, CONTROLLER)
 * @param host the host, empty for all interfaces
 * @param port 0..65535 (0 binds a free port)
 * @param protocol the security protocol from {@code listener.security.protocol.map}
 */
public record ListenerSpec(String name, String host, int port, SecurityProtocol protocol) {

    /** Parses NAME://host:port; the protocol is looked up by the caller. */
    static ListenerSpec parse(String key, String value, java.util.function.Function<String, SecurityProtocol> protocolOf) {
        int sep = value.indexOf("://");
        int colon = value.lastIndexOf(':');
        if (sep <= 0 || colon <= sep + 2) {
            throw new ConfigException(key, value, "Unable to parse " + value + " as NAME://host:port");
        }
        String name = value.substring(0, sep).trim().toUpperCase(Locale.ROOT);
        String host = value.substring(sep + 3, colon).trim();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "Port of listener " + name + " is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key, value, "Port of listener " + name + " must be between 0 and 65535");
        }
        SecurityProtocol protocol = protocolOf.apply(name);
        if (protocol == null) {
            throw new ConfigException(key, value, "No security protocol defined for listener " + name
                    + " (known protocols: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL; map other names with "
                    + BrokerConfigDef.LISTENER_SECURITY_PROTOCOL_MAP + ")");
        }
        return new ListenerSpec(name, host, port, protocol);
    }

    /** A listener known by name and protocol only (e.g. the controller listener of a broker-only node). */
    public record Named(String name, SecurityProtocol protocol) {

        public boolean usesTls() {
            return protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
        }
    }

    /** The host to bind: empty means every interface. */
    public String bindHost() {
        return host.isEmpty() ? "0.0.0.0" : host;
    }

    @Override
    public String toString() {
        return name + "://" + host + ":" + port;
    }
}
