package io.skein.wire.connection;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * Who is at the other end of one connection: listener, peer address, connection id and the
 * principal it authenticated as. Starts as {@link KafkaPrincipal#ANONYMOUS}; the authentication
 * stage of the pipeline (see {@code io.skein.wire.auth}) replaces it.
 *
 * <p>Threading: created by the channel initializer, then read and written only on the channel's
 * event loop (the principal is copied into each request's context there).
 */
public final class ConnectionIdentity {

    private final String listenerName;
    private final InetSocketAddress peer;
    private final long connectionId;
    private KafkaPrincipal principal = KafkaPrincipal.ANONYMOUS;

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

    public void authenticatedAs(KafkaPrincipal principal) {
        this.principal = Objects.requireNonNull(principal);
    }

    @Override
    public String toString() {
        return listenerName + " connection " + connectionId + " from " + peer + " (" + principal + ")";
    }
}
