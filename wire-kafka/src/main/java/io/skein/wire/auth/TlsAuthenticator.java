package io.skein.wire.auth;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.skein.wire.connection.ConnectionIdentity;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authentication stage of an SSL listener: once the TLS handshake completes, the connection
 * is the principal named by the client certificate's subject, mapped by
 * {@code ssl.principal.mapping.rules} ({@code User:CN=client,O=...} by default), or
 * {@code User:ANONYMOUS} when the client presented none. A failed handshake (plaintext on a TLS
 * port, an untrusted or missing certificate, garbage) closes the connection with one log line.
 *
 * <p>Threading: the channel's event loop.
 */
public final class TlsAuthenticator extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TlsAuthenticator.class);

    private final ConnectionIdentity identity;
    private final SslPrincipalMapper mapper;

    public TlsAuthenticator(ConnectionIdentity identity, SslPrincipalMapper mapper) {
        this.identity = identity;
        this.mapper = mapper;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                identity.authenticatedAs(principalOf(ctx));
            } else {
                log.info("Closing connection from {} on listener {}: TLS handshake failed: {}", identity.peer(),
                        identity.listenerName(), reason(done.cause()));
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (isTlsFailure(cause)) {
            ctx.close(); // the handshake-completion event says why, in one line
            return;
        }
        super.exceptionCaught(ctx, cause);
    }

    private static boolean isTlsFailure(Throwable cause) {
        return cause instanceof SSLException
                || (cause instanceof DecoderException && cause.getCause() instanceof SSLException);
    }

    private static String reason(Throwable cause) {
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private KafkaPrincipal principalOf(ChannelHandlerContext ctx) throws IOException {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate cert) {
                String name = mapper.getName(cert.getSubjectX500Principal().getName());
                return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, name);
            }
        } catch (SSLPeerUnverifiedException e) {
            // no client certificate (ssl.client.auth=none or requested)
        }
        return KafkaPrincipal.ANONYMOUS;
    }
}
