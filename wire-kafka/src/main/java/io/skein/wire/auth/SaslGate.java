package io.skein.wire.auth;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.skein.wire.codec.DecodedRequest;
import org.apache.kafka.common.protocol.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authentication stage of a SASL listener: until the connection's {@link SaslSession} has
 * authenticated, only ApiVersions, SaslHandshake and SaslAuthenticate pass; any other request
 * closes the connection with one log line, as Kafka does. Afterwards everything passes until the
 * session expires ({@code connections.max.reauth.ms}) without a re-authentication: then the
 * next request other than those three closes the connection, as Kafka does.
 *
 * <p>Threading: the channel's event loop.
 */
public final class SaslGate extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SaslGate.class);

    private final SaslSession session;
    /** A SaslHandshake has arrived on this connection (seen here, on the event loop, so pipelining cannot race it). */
    private boolean handshakeSeen;

    public SaslGate(SaslSession session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        String refusal = msg instanceof DecodedRequest request ? refusal(request.header().apiKey()) : null;
        if (refusal == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        log.info("Closing connection from {}: {}", ctx.channel().remoteAddress(), refusal);
        ((DecodedRequest) msg).frame().release();
        ctx.close();
    }

    /** Why a request of this API closes the connection now, or null when it may pass. */
    private String refusal(ApiKeys api) {
        if (api == ApiKeys.SASL_HANDSHAKE) {
            handshakeSeen = true;
            return null;
        }
        if (api == ApiKeys.SASL_AUTHENTICATE) {
            // as Kafka 4: SaslAuthenticate before any SaslHandshake is closed without an answer
            return handshakeSeen ? null : "SaslAuthenticate before SaslHandshake";
        }
        if (api == ApiKeys.API_VERSIONS) {
            return null;
        }
        if (!session.isAuthenticated()) {
            return api + " request before SASL authentication completed";
        }
        if (session.isExpired()) {
            return "its SASL session expired (connections.max.reauth.ms) and the client did not re-authenticate";
        }
        return null;
    }
}
