package io.skein.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestBroker;
import io.skein.it.harness.TestCertificates;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.Test;

/**
 * A keystore renewed in place (same path, a new certificate) is served to new TLS connections
 * without a restart, while clients keep working; a renewed keystore that cannot be loaded is
 * reported once and the previous certificate stays in service.
 */
class TlsKeystoreRenewalTest {

    private static final String PASSWORD = "renewal-secret";

    @Test
    void aRenewedKeystoreIsServedToNewConnectionsWithoutARestart() throws Exception {
        Path dir = TestBroker.freshDataDir("tls-renewal-certs");
        TestCertificates.Issued ca = TestCertificates.ca("Skein Renewal CA");
        Path truststore = TestCertificates.trustStore(dir.resolve("truststore.p12"), "PKCS12", ca, PASSWORD);
        Path keystore = TestCertificates.keyStore(dir.resolve("broker.p12"), "PKCS12",
                TestCertificates.issue(ca, "CN=broker-2026", true), PASSWORD);
        int ssl = SkeinNode.freePort();
        int controller = SkeinNode.freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "SSL://127.0.0.1:" + ssl + ",CONTROLLER://127.0.0.1:" + controller);
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        settings.put("ssl.keystore.type", "PKCS12");
        settings.put("ssl.keystore.location", keystore.toString());
        settings.put("ssl.keystore.password", PASSWORD);
        try (SkeinNode node = SkeinNode.start("tls-renewal", TestBroker.freshDataDir("tls-renewal"), settings);
             Admin admin = admin("127.0.0.1:" + ssl, truststore)) {
            assertEquals("CN=broker-2026", servedSubject(ssl, truststore));
            assertEquals(1, admin.describeCluster().nodes().get().size());

            // the operator renews the certificate: a new file moved over the old one
            Path renewed = TestCertificates.keyStore(dir.resolve("broker-renewed.p12"), "PKCS12",
                    TestCertificates.issue(ca, "CN=broker-2027", true), PASSWORD);
            Files.move(renewed, keystore, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Clients.await("new connections get the renewed certificate", Duration.ofSeconds(20),
                    () -> "CN=broker-2027".equals(servedSubject(ssl, truststore)));
            assertTrue(node.logged(l -> l.contains("loaded the renewed TLS store files")),
                    node.outputTail());
            assertEquals(1, admin.describeCluster().nodes().get().size());

            // a broken renewal: reported, and the last good certificate is still served
            Files.writeString(keystore, "not a keystore");
            Clients.await("the broken renewal is reported", Duration.ofSeconds(20), () -> {
                servedSubject(ssl, truststore);
                return node.outputLines().stream().anyMatch(l -> l.contains("cannot be loaded"));
            });
            assertEquals("CN=broker-2027", servedSubject(ssl, truststore));
            try (Admin fresh = admin("127.0.0.1:" + ssl, truststore)) {
                assertEquals(1, fresh.describeCluster().nodes().get().size());
            }
        }
    }

    private static Admin admin(String bootstrap, Path truststore) {
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.toString());
        p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, PASSWORD);
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        return Admin.create(p);
    }

    /** The subject of the certificate the listener presents to a new connection. */
    private static String servedSubject(int port, Path truststore) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = new FileInputStream(truststore.toFile())) {
                trust.load(in, PASSWORD.toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal()
                        .getName();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
