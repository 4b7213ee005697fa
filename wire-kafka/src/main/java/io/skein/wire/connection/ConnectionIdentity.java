package io.skein.wire.connection;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * Who is at the other end of one connection: listener, peer address, connection id and the
 * principal it authenticated as. Starts as {@link KafkaPrincipal#ANONYMOUS}; the authentication
 * stage of the pipeline (see {@code io.skein.wire.auth}) replaces it.
 *
 * <p>Threading: created by the channel initializer and read on the channel's event loop (the
 * principal is copied into each request's context there); a SASL authentication sets the
 * principal from a request-handler thread, hence volatile.
 */
public final class ConnectionIdentity {

    private final String listenerName;
    private final InetSocketAddress peer;
    private final long connectionId;
    private volatile KafkaPrincipal principal = KafkaPrincipal.ANONYMOUS;
    private io.skein.wire.auth.SaslSession sasl;

    public ConnectionIdentity(String listenerName, InetSocketAddress peer, long connectionId) {
        this.listenerName = Objects.requireNonNull(listenerName);
        this.peer = peer;
        this.connectionId = connectionId;
    }

    public String listenerName() {
        return listenerName;
    }

    /** The client's address; null only for test channels that have none. */
    public InetSocketAddress peer() {
        return peer;
    }

    public long connectionId() {
        return connectionId;
    }

    public KafkaPrincipal principal() {
        return principal;
    }

    /** The connection's SASL exchange on a SASL listener, null elsewhere; set once by the pipeline. */
    public io.skein.wire.auth.SaslSession sasl() {
        return sasl;
    }

    public void sasl(io.skein.wire.auth.SaslSession session) {
        this.sasl = session;
    }

    public void authenticatedAs(KafkaPrincipal principal) {
        this.principal = Objects.requireNonNull(principal);
    }

    @Override
    public String toString() {
        return listenerName + " connection " + connectionId + " from " + peer + " (" + principal + ")";
    }
}
