package io.skein.wire.api;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What the wire server needs to know from the broker configuration.
 *
 * @param listeners the client listeners to bind (name and address; port 0 picks a free port)
 * @param maxRequestBytes {@code socket.request.max.bytes}: larger frames close the connection
 * @param networkThreads {@code num.network.threads}: Netty event-loop threads
 * @param handlerThreads {@code num.io.threads}: request-handler threads
 * @param maxInFlightRequestsPerConnection requests of one connection parsed but not yet answered
 *     before the server stops reading that connection
 * @param connectionsMaxIdleMs {@code connections.max.idle.ms}: idle connections are closed
 */
public record ServerSettings(
        List<Listener> listeners,
        int maxRequestBytes,
        int networkThreads,
        int handlerThreads,
        int maxInFlightRequestsPerConnection,
        long connectionsMaxIdleMs) {

    /**
     * One listener: its name (e.g. PLAINTEXT), the address to bind, its TLS settings (null without
     * TLS) and its SASL settings (null without SASL).
     */
    public record Listener(String name, InetSocketAddress address, io.skein.security.tls.TlsListenerSettings tls,
                           io.skein.security.sasl.SaslListenerSettings sasl) {

        public Listener(String name, InetSocketAddress address) {
            this(name, address, null, null);
        }
    }
}
