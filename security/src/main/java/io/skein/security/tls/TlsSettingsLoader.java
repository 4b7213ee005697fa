package io.skein.security.tls;

import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;

/**
 * Loads a TLS listener's key material from Kafka's {@code ssl.*} keys (already resolved for the
 * listener, {@code listener.name.<name>.ssl.*} overrides applied). Keystores and truststores
 * may be JKS, PKCS12 or PEM (files, or inline {@code ssl.keystore.certificate.chain} /
 * {@code ssl.keystore.key} / {@code ssl.truststore.certificates}), as in Kafka.
 */
public final class TlsSettingsLoader {

    private static final ConfigDef DEFINITION = definition();

    private TlsSettingsLoader() {
    }

    private static ConfigDef definition() {
        ConfigDef d = new ConfigDef().withClientSslSupport();
        d.define(BrokerSecurityConfigs.SSL_CLIENT_AUTH_CONFIG, ConfigDef.Type.STRING, "none",
                ConfigDef.Importance.MEDIUM, "Whether clients must present a certificate.");
        d.define(BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_CONFIG, ConfigDef.Type.STRING, "DEFAULT",
                ConfigDef.Importance.LOW, "Rules mapping a certificate's subject to a principal name.");
        return d;
    }

    /** The {@code ssl.*} keys this loader reads; any other key is ignored. */
    public static boolean isTlsKey(String key) {
        return DEFINITION.names().contains(key);
    }

    /**
     * @param sslConfigs the listener's {@code ssl.*} keys as strings
     * @throws ConfigException with one readable message when a store cannot be loaded or a value is bad
     */
    public static TlsListenerSettings load(String listenerName, Map<String, String> sslConfigs) {
        Map<String, String> known = new HashMap<>();
        sslConfigs.forEach((k, v) -> {
            if (isTlsKey(k)) {
                known.put(k, v);
            }
        });
        TlsStoreFiles storeFiles = TlsStoreFiles.snapshot(listenerName, known);
        Map<String, Object> parsed = DEFINITION.parse(known);
        if (parsed.get(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG) == null
                && parsed.get(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG) == null) {
            throw new ConfigException("Listener " + listenerName + " uses TLS but has no keystore: set "
                    + "ssl.keystore.location (or ssl.keystore.certificate.chain and ssl.keystore.key), or "
                    + "listener.name." + listenerName.toLowerCase(java.util.Locale.ROOT) + ".ssl.keystore.location");
        }
        DefaultSslEngineFactory factory = new DefaultSslEngineFactory();
        try {
            factory.configure(parsed);
        } catch (KafkaException | IllegalArgumentException e) {
            throw new ConfigException("Listener " + listenerName + ": cannot load its TLS keystore or truststore: "
                    + rootMessage(e));
        }
        ClientAuth clientAuth = ClientAuth.parse((String) parsed.get(BrokerSecurityConfigs.SSL_CLIENT_AUTH_CONFIG));
        SslPrincipalMapper mapper;
        try {
            mapper = SslPrincipalMapper.fromRules((String) parsed.get(BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_CONFIG));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_CONFIG,
                    parsed.get(BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_CONFIG), e.getMessage());
        }
        @SuppressWarnings("unchecked")
        List<String> protocols = (List<String>) parsed.get(SslConfigs.SSL_ENABLED_PROTOCOLS_CONFIG);
        @SuppressWarnings("unchecked")
        List<String> ciphers = (List<String>) parsed.get(SslConfigs.SSL_CIPHER_SUITES_CONFIG);
        return new TlsListenerSettings(listenerName, factory.sslContext(), keyManagers(factory.keystore(), parsed),
                trustManagers(factory.truststore()), clientAuth, List.copyOf(protocols),
                ciphers == null ? List.of() : List.copyOf(ciphers), mapper, storeFiles);
    }

    /** The key for engines other than the JDK's, or null when its password does not unlock it. */
    private static KeyManagerFactory keyManagers(KeyStore keystore, Map<String, Object> parsed) {
        if (keystore == null) {
            return null;
        }
        for (Object password : new Object[] {parsed.get(SslConfigs.SSL_KEY_PASSWORD_CONFIG),
                parsed.get(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG), null}) {
            try {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keystore, password == null ? new char[0] : ((Password) password).value().toCharArray());
                return kmf;
            } catch (Exception e) {
                // try the next candidate password
            }
        }
        return null;
    }

    private static TrustManagerFactory trustManagers(KeyStore truststore) {
        if (truststore == null) {
            return null;
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(truststore);
            return tmf;
        } catch (Exception e) {
            throw new ConfigException("Cannot use the TLS truststore: " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder out = new StringBuilder(String.valueOf(t.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            out.append(": ").append(t.getMessage());
        }
        return out.toString();
    }
}
