package io.skein.broker.config;

import io.skein.replication.api.QuorumTls;
import io.skein.security.tls.TlsListenerSettings;
import io.skein.security.tls.TlsSettingsLoader;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata quorum's TLS, from the controller listener's {@code ssl.*} settings: when
 * {@code listener.security.protocol.map} maps the controller listener to SSL or SASL_SSL, the
 * Raft traffic (Ratis over gRPC, not the Kafka protocol) runs over TLS with mutual certificate
 * authentication, using the listener's keystore as this node's identity and its truststore for
 * the peers. SASL does not apply to that channel: with SASL_SSL the certificates authenticate the
 * nodes, and one log line says so. A broker-only node uses the same settings for its connections
 * to the voters.
 *
 * <p>Stateless.
 */
public final class ControllerTls {

    private static final Logger log = LoggerFactory.getLogger(ControllerTls.class);

    private ControllerTls() {
    }

    /** The quorum's TLS, or null when the controller listener is PLAINTEXT or SASL_PLAINTEXT. */
    public static QuorumTls of(BrokerConfig config) {
        ListenerSpec.Named listener = config.controllerListenerProtocol();
        if (!listener.usesTls()) {
            if (listener.protocol() == SecurityProtocol.SASL_PLAINTEXT) {
                log.warn("Controller listener {} is SASL_PLAINTEXT: the metadata quorum's Raft traffic is not "
                        + "authenticated or encrypted (SASL does not apply to it); map it to SSL or SASL_SSL to "
                        + "secure it", listener.name());
            }
            return null;
        }
        TlsListenerSettings settings = config.tlsSettings(listener.name());
        if (settings == null) {
            settings = TlsSettingsLoader.load(listener.name(), config.listenerConfigs(listener.name()));
        }
        X509KeyManager keyManager = settings.keyManagers() == null ? null
                : first(settings.keyManagers().getKeyManagers(), X509KeyManager.class);
        if (keyManager == null) {
            throw new ConfigException("Controller listener " + listener.name() + " uses TLS, but its keystore's key "
                    + "cannot be unlocked for the metadata quorum: check ssl.key.password and ssl.keystore.password");
        }
        X509TrustManager trustManager = first(trustManagers(settings), X509TrustManager.class);
        if (listener.protocol() == SecurityProtocol.SASL_SSL) {
            log.info("Controller listener {} is SASL_SSL: the metadata quorum authenticates nodes by their TLS "
                    + "certificates (mutual TLS); SASL does not apply to its Raft traffic", listener.name());
        }
        return new QuorumTls(listener.name(), keyManager, trustManager);
    }

    private static TrustManager[] trustManagers(TlsListenerSettings settings) {
        if (settings.trustManagers() != null) {
            return settings.trustManagers().getTrustManagers();
        }
        try {
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            return defaults.getTrustManagers();
        } catch (NoSuchAlgorithmException | KeyStoreException e) {
            throw new ConfigException("Cannot load the JDK's default trusted CAs: " + e.getMessage());
        }
    }

    private static <T> T first(Object[] managers, Class<T> type) {
        return Arrays.stream(managers).filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }
}
