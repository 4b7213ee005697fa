package io.skein.wire.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.skein.security.tls.TlsListenerSettings;
import javax.net.ssl.SSLException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of one listener: a Netty {@link SslContext} built once at start, on OpenSSL
 * (BoringSSL from netty-tcnative) when it loads and the key can be handed to it, on the JDK's
 * engine otherwise; the choice is logged. Each connection gets its own {@link SslHandler}.
 *
 * <p>Immutable after creation; shared by the listener's event loops.
 */
public final class TlsChannels {

    private static final Logger log = LoggerFactory.getLogger(TlsChannels.class);

    private final SslContext context;
    private final SslPrincipalMapper principalMapper;

    private TlsChannels(SslContext context, SslPrincipalMapper principalMapper) {
        this.context = context;
        this.principalMapper = principalMapper;
    }

    /** @throws ConfigException when no TLS engine accepts the settings */
    public static TlsChannels create(TlsListenerSettings settings) {
        String[] protocols = settings.protocols().toArray(String[]::new);
        Iterable<String> ciphers = settings.cipherSuites().isEmpty() ? null : settings.cipherSuites();
        ClientAuth clientAuth = switch (settings.clientAuth()) {
            case NONE -> ClientAuth.NONE;
            case REQUESTED -> ClientAuth.OPTIONAL;
            case REQUIRED -> ClientAuth.REQUIRE;
        };
        String why;
        if (!OpenSsl.isAvailable()) {
            why = "OpenSSL is not available: " + OpenSsl.unavailabilityCause();
        } else if (settings.keyManagers() == null) {
            why = "the key cannot be unlocked outside the JDK";
        } else {
            try {
                SslContext openSsl = SslContextBuilder.forServer(settings.keyManagers())
                        .sslProvider(SslProvider.OPENSSL)
                        .trustManager(settings.trustManagers())
                        .clientAuth(clientAuth)
                        .protocols(protocols)
                        .ciphers(ciphers)
                        .build();
                log.info("Listener {}: TLS with OpenSSL ({}), protocols {}, client auth {}", settings.listenerName(),
                        OpenSsl.versionString(), settings.protocols(), settings.clientAuth());
                return new TlsChannels(openSsl, settings.principalMapper());
            } catch (SSLException | RuntimeException e) {
                why = "OpenSSL refused the settings: " + e.getMessage();
            }
        }
        try {
            SslContext jdk = new JdkSslContext(settings.jdkContext(), false, ciphers, IdentityCipherSuiteFilter.INSTANCE,
                    null, clientAuth, protocols, false);
            log.info("Listener {}: TLS with the JDK engine ({}), protocols {}, client auth {}", settings.listenerName(),
                    why, settings.protocols(), settings.clientAuth());
            return new TlsChannels(jdk, settings.principalMapper());
        } catch (RuntimeException e) {
            throw new ConfigException("Listener " + settings.listenerName() + ": cannot set up TLS: " + e.getMessage());
        }
    }

    SslHandler newHandler(Channel channel) {
        ByteBufAllocator alloc = channel.alloc();
        return context.newHandler(alloc);
    }

    public SslPrincipalMapper principalMapper() {
        return principalMapper;
    }
}
