package io.skein.wire.auth;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.skein.wire.connection.ConnectionIdentity;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * The authentication stage of a PLAINTEXT listener: every connection is {@code User:ANONYMOUS}.
 *
 * <p>This is the seam for authentication: the stage sits between the request decoder and the
 * in-order response writer under the pipeline name {@code "auth"}. A SASL authenticator takes
 * this place, answers SaslHandshake/SaslAuthenticate itself (ApiVersions may pass), holds back or
 * refuses everything else until authenticated, and then sets the principal on the
 * {@link ConnectionIdentity}. It overrides no read method, so Netty skips it on the read path.
 *
 * <p>Threading: the channel's event loop.
 */
public final class PlaintextAuthenticator extends ChannelInboundHandlerAdapter {

    private final ConnectionIdentity identity;

    public PlaintextAuthenticator(ConnectionIdentity identity) {
        this.identity = identity;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        identity.authenticatedAs(KafkaPrincipal.ANONYMOUS);
    }
}
