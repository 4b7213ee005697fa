package io.skein.security.tls;

import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;

/**
 * Everything a TLS listener needs, loaded from Kafka's {@code ssl.*} settings.
 *
 * @param jdkContext the JDK context built from the keystore and truststore (used when OpenSSL is not)
 * @param keyManagers the server's key, for engines other than the JDK's; null when it cannot be
 *     unlocked outside the JDK context
 * @param trustManagers the trusted CAs for client certificates; null for the JDK's defaults
 * @param protocols {@code ssl.enabled.protocols}
 * @param cipherSuites {@code ssl.cipher.suites}; empty for the engine's defaults
 * @param principalMapper {@code ssl.principal.mapping.rules} applied to a client certificate's subject
 * @param storeFiles the keystore and truststore files these settings were loaded from, to notice renewals
 */
public record TlsListenerSettings(
        String listenerName,
        SSLContext jdkContext,
        KeyManagerFactory keyManagers,
        TrustManagerFactory trustManagers,
        ClientAuth clientAuth,
        List<String> protocols,
        List<String> cipherSuites,
        SslPrincipalMapper principalMapper,
        TlsStoreFiles storeFiles) {
}
