package io.skein.wire.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.skein.wire.api.HandlerRegistry;
import io.skein.wire.api.ServerSettings;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.skein.security.sasl.SaslListenerSettings;
import io.skein.wire.auth.PlaintextAuthenticator;
import io.skein.wire.auth.SaslGate;
import io.skein.wire.auth.SaslSession;
import io.skein.wire.auth.TlsAuthenticator;
import io.skein.wire.codec.FileRegionChunker;
import io.skein.wire.codec.RequestDecoder;
import io.skein.wire.connection.ConnectionIdentity;
import io.skein.wire.connection.IdleConnectionCloser;
import io.skein.wire.connection.InFlightRequests;
import io.skein.wire.connection.InOrderResponseWriter;
import io.skein.wire.dispatch.RequestDispatcher;
import io.skein.wire.errors.ConnectionExceptionHandler;
import io.skein.wire.frame.FrameDecoder;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place a connection's pipeline is built. In order:
 * <pre>
 *   tls         (TLS listeners) SslHandler: handshake, encryption
 *   chunked-writes, file-chunks
 *               (TLS listeners) record bytes from segment files copied in bounded chunks, as
 *               the socket can take them, since sendfile cannot pass through TLS
 *   idle        IdleStateHandler: no read for connections.max.idle.ms
 *   idle-close  closes such a connection
 *   frame       size check first (socket.request.max.bytes), then 4-byte length framing
 *   decode      header and body with kafka-clients; closes on unknown API / version / garbage
 *   tls-auth    (SASL_SSL) TLS handshake outcome
 *   auth        who the connection is: PLAINTEXT anonymous; SSL the client certificate's
 *               subject; SASL only ApiVersions/SaslHandshake/SaslAuthenticate until authenticated
 *   responses   in-order response writer, encoding, back-pressure
 *   dispatch    handler invocation on the handler pool
 *   errors      one log line and close for exceptions that reach the end
 * </pre>
 *
 * <p>Threading: {@link #install} runs on the channel's event loop (channel initializer); the
 * connection-id counter is shared by all listeners of one server.
 */
public final class ConnectionPipeline {

    public static final String TLS = "tls";
    public static final String CHUNKED_WRITES = "chunked-writes";
    public static final String FILE_CHUNKS = "file-chunks";
    public static final String IDLE = "idle";
    public static final String IDLE_CLOSE = "idle-close";
    public static final String FRAME = "frame";
    public static final String DECODE = "decode";
    public static final String TLS_AUTH = "tls-auth";
    public static final String AUTH = "auth";
    public static final String RESPONSES = "responses";
    public static final String DISPATCH = "dispatch";
    public static final String ERRORS = "errors";

    private final ServerSettings settings;
    private final HandlerRegistry registry;
    private final Executor handlerPool;
    private final InFlightRequests inFlight;
    private final AtomicLong connectionIds = new AtomicLong();

    public ConnectionPipeline(ServerSettings settings, HandlerRegistry registry, Executor handlerPool,
                              InFlightRequests inFlight) {
        this.settings = settings;
        this.registry = registry;
        this.handlerPool = handlerPool;
        this.inFlight = inFlight;
    }

    public void install(Channel channel, String listenerName) {
        install(channel, listenerName, null, null);
    }

    /**
     * Builds the pipeline; with {@code tls} the connection starts with a TLS handshake, record
     * bytes are sent in bounded chunks (no zero-copy through TLS) and the principal comes from
     * the client's certificate.
     */
    public void install(Channel channel, String listenerName, TlsChannels tls, SaslListenerSettings sasl) {
        InetSocketAddress peer = channel.remoteAddress() instanceof InetSocketAddress address ? address : null;
        ConnectionIdentity identity = new ConnectionIdentity(listenerName, peer, connectionIds.incrementAndGet());
        ChannelPipeline p = channel.pipeline();
        if (tls != null) {
            p.addLast(TLS, tls.newHandler(channel));
            p.addLast(CHUNKED_WRITES, new ChunkedWriteHandler());
            p.addLast(FILE_CHUNKS, new FileRegionChunker());
        }
        if (settings.connectionsMaxIdleMs() > 0) {
            p.addLast(IDLE, new IdleStateHandler(settings.connectionsMaxIdleMs(), 0, 0, TimeUnit.MILLISECONDS));
            p.addLast(IDLE_CLOSE, new IdleConnectionCloser(settings.connectionsMaxIdleMs()));
        }
        SaslSession session = sasl == null ? null : new SaslSession(sasl, identity);
        p.addLast(FRAME, session == null ? new FrameDecoder(settings.maxRequestBytes())
                : new FrameDecoder(settings.maxRequestBytes(), sasl.maxReceiveSize(), session::isAuthenticated));
        p.addLast(DECODE, new RequestDecoder(registry));
        if (session != null) {
            identity.sasl(session);
            if (tls != null) {
                p.addLast(TLS_AUTH, new TlsAuthenticator(identity, tls.principalMapper()));
            }
            p.addLast(AUTH, new SaslGate(session));
        } else {
            p.addLast(AUTH, tls != null ? new TlsAuthenticator(identity, tls.principalMapper())
                    : new PlaintextAuthenticator(identity));
        }
        p.addLast(RESPONSES, new InOrderResponseWriter(settings.maxInFlightRequestsPerConnection(), inFlight));
        p.addLast(DISPATCH, new RequestDispatcher(registry, identity, handlerPool));
        p.addLast(ERRORS, new ConnectionExceptionHandler());
    }
}
