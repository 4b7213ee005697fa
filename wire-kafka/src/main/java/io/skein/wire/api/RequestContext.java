package io.skein.wire.api;

import java.net.InetSocketAddress;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * Where a request came from.
 *
 * @param header the parsed request header (API key, version, correlation id, client id)
 * @param listenerName the listener the connection arrived on, e.g. {@code PLAINTEXT}
 * @param peer the client's address
 * @param connectionId unique per connection for the server's lifetime
 * @param principal the authenticated principal ({@code User:ANONYMOUS} on PLAINTEXT)
 * @param receivedNanos {@code System.nanoTime()} when the request's frame was complete
 * @param sasl the connection's SASL exchange on a SASL listener, null elsewhere
 */
public record RequestContext(
        RequestHeader header,
        String listenerName,
        InetSocketAddress peer,
        long connectionId,
        KafkaPrincipal principal,
        long receivedNanos,
        io.skein.wire.auth.SaslSession sasl) {

    public short apiVersion() {
        return header.apiVersion();
    }
}
