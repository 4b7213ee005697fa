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
        if (msg instanceof DecodedRequest request) {
            ApiKeys api = request.header().apiKey();
            boolean authenticationRequest = api == ApiKeys.API_VERSIONS || api == ApiKeys.SASL_HANDSHAKE
                    || api == ApiKeys.SASL_AUTHENTICATE;
            if (api == ApiKeys.SASL_HANDSHAKE) {
                handshakeSeen = true;
            } else if (api == ApiKeys.SASL_AUTHENTICATE && !handshakeSeen) {
                // as Kafka 4: SaslAuthenticate before any SaslHandshake is closed without an answer
                log.info("Closing connection from {}: SaslAuthenticate before SaslHandshake",
                        ctx.channel().remoteAddress());
                request.frame().release();
                ctx.close();
                return;
            }
            if (!authenticationRequest && !session.isAuthenticated()) {
                log.info("Closing connection from {}: {} request before SASL authentication completed",
                        ctx.channel().remoteAddress(), api);
                request.frame().release();
                ctx.close();
                return;
            }
            if (!authenticationRequest && session.isExpired()) {
                log.info("Closing connection from {}: its SASL session expired (connections.max.reauth.ms) and "
                        + "the client did not re-authenticate", ctx.channel().remoteAddress());
                request.frame().release();
                ctx.close();
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
