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
import io.skein.security.tls.TlsStoreFiles;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of one listener: a Netty {@link SslContext} built at start, on OpenSSL
 * (BoringSSL from netty-tcnative) when it loads and the key can be handed to it, on the JDK's
 * engine otherwise; the choice is logged. Each connection gets its own {@link SslHandler}.
 *
 * <p>A keystore or truststore renewed in place (same path, new file) is noticed when a connection
 * arrives: at most once per {@link #RELOAD_CHECK_INTERVAL_NANOS} a check is handed to the
 * {@code reloader} executor (the request-handler pool), which looks at the files and loads them
 * if they changed; connections accepted after that get the new certificate, open ones keep
 * theirs. A renewed store that cannot be loaded is logged once and the previous one stays in use.
 *
 * <p>Threading: shared by the listener's event loops, which never touch the files (no blocking I/O
 * there); the context is swapped atomically by the one reloader task that may run at a time.
 */
public final class TlsChannels {

    private static final Logger log = LoggerFactory.getLogger(TlsChannels.class);
    static final long RELOAD_CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Loaded(SslContext context, TlsStoreFiles storeFiles) {
    }

    private final AtomicReference<Loaded> loaded;
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile long nextCheckNanos = System.nanoTime() + RELOAD_CHECK_INTERVAL_NANOS;
    private final String listenerName;
    private final SslPrincipalMapper principalMapper;
    private final Executor reloader;

    private TlsChannels(String listenerName, SslContext context, TlsStoreFiles storeFiles,
                        SslPrincipalMapper principalMapper, Executor reloader) {
        this.listenerName = listenerName;
        this.loaded = new AtomicReference<>(new Loaded(context, storeFiles));
        this.principalMapper = principalMapper;
        this.reloader = reloader;
    }

    /**
     * @param reloader runs the checks for renewed store files (blocking file I/O, never on an event loop)
     * @throws ConfigException when no TLS engine accepts the settings
     */
    public static TlsChannels create(TlsListenerSettings settings, Executor reloader) {
        return new TlsChannels(settings.listenerName(), context(settings), settings.storeFiles(),
                settings.principalMapper(), reloader);
    }

    private static SslContext context(TlsListenerSettings settings) {
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
                return openSsl;
            } catch (SSLException | RuntimeException e) {
                why = "OpenSSL refused the settings: " + e.getMessage();
            }
        }
        try {
            SslContext jdk = new JdkSslContext(settings.jdkContext(), false, ciphers, IdentityCipherSuiteFilter.INSTANCE,
                    null, clientAuth, protocols, false);
            log.info("Listener {}: TLS with the JDK engine ({}), protocols {}, client auth {}", settings.listenerName(),
                    why, settings.protocols(), settings.clientAuth());
            return jdk;
        } catch (RuntimeException e) {
            throw new ConfigException("Listener " + settings.listenerName() + ": cannot set up TLS: " + e.getMessage());
        }
    }

    SslHandler newHandler(Channel channel) {
        scheduleReloadCheck();
        ByteBufAllocator alloc = channel.alloc();
        return loaded.get().context().newHandler(alloc);
    }

    /** Hands a check for renewed store files to the reloader, at most one at a time and once per check interval. */
    private void scheduleReloadCheck() {
        if (System.nanoTime() - nextCheckNanos < 0 || !checking.compareAndSet(false, true)) {
            return;
        }
        try {
            reloader.execute(() -> {
                try {
                    reloadIfChanged();
                } finally {
                    nextCheckNanos = System.nanoTime() + RELOAD_CHECK_INTERVAL_NANOS;
                    checking.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            checking.set(false); // the server is shutting down
        }
    }

    /** Loads the store files if they changed since they were loaded. Reloader thread only. */
    private void reloadIfChanged() {
        Loaded current = loaded.get();
        if (current.storeFiles() == null || !current.storeFiles().changed()) {
            return;
        }
        try {
            TlsListenerSettings renewed = current.storeFiles().reload();
            loaded.set(new Loaded(context(renewed), renewed.storeFiles()));
            log.info("Listener {}: loaded the renewed TLS store files {}; new connections use them", listenerName,
                    current.storeFiles().files());
        } catch (ConfigException e) {
            // remember the failed change so it is reported once, not at every connection
            loaded.set(new Loaded(current.context(), current.storeFiles().asTheyAreNow()));
            log.warn("Listener {}: the TLS store files {} changed but cannot be loaded, still serving the previous "
                    + "certificate: {}", listenerName, current.storeFiles().files(), e.getMessage());
        }
    }

    public SslPrincipalMapper principalMapper() {
        return principalMapper;
    }
}
