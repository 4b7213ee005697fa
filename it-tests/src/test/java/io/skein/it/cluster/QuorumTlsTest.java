package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.TestCertificates;
import io.skein.it.harness.ThreeNodeCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A three-node cluster whose controller listener is SSL: the metadata quorum's Raft traffic runs
 * over mutually authenticated TLS. The quorum forms and serves topic creation; its port answers a
 * TLS client that presents a certificate of the cluster's CA (an HTTP/2 SETTINGS frame, gRPC's
 * greeting) and nothing to a client without a certificate or one speaking plaintext.
 */
class QuorumTlsTest {

    private static final String PASSWORD = "quorum-secret";
    private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_SETTINGS_FRAME = {0, 0, 0, 4, 0, 0, 0, 0, 0};

    private static ThreeNodeCluster cluster;
    private static Path keystore;
    private static Path truststore;

    @BeforeAll
    static void startCluster() throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "it-data", "quorum-tls-" + System.nanoTime()));
        TestCertificates.Issued ca = TestCertificates.ca("Quorum Test CA");
        keystore = TestCertificates.keyStore(dir.resolve("node.p12"), "PKCS12",
                TestCertificates.issue(ca, "CN=skein-node", true), PASSWORD);
        truststore = TestCertificates.trustStore(dir.resolve("truststore.p12"), "PKCS12", ca, PASSWORD);
        cluster = ThreeNodeCluster.start("quorum-tls", Map.of(
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:SSL",
                "listener.name.controller.ssl.keystore.location", keystore.toAbsolutePath().toString(),
                "listener.name.controller.ssl.keystore.password", PASSWORD,
                "listener.name.controller.ssl.keystore.type", "PKCS12",
                "listener.name.controller.ssl.truststore.location", truststore.toAbsolutePath().toString(),
                "listener.name.controller.ssl.truststore.password", PASSWORD,
                "listener.name.controller.ssl.truststore.type", "PKCS12"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void quorumFormsOverTlsAndServesMetadataChanges() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get();
            assertEquals(3, quorum.voters().size());
            assertTrue(quorum.leaderId() >= 1 && quorum.leaderId() <= 3, "leader " + quorum.leaderId());
            admin.createTopics(List.of(new NewTopic("over-tls", 3, (short) 3))).all().get();
            Clients.awaitTopic(admin, "over-tls", 3, Duration.ofSeconds(60));
        }
        for (int id = 1; id <= 3; id++) {
            assertTrue(cluster.node(id).logged(l -> l.contains(
                    "Raft traffic over mutually authenticated TLS with the CONTROLLER listener")),
                    cluster.node(id).outputTail());
        }
    }

    @Test
    void controllerPortGreetsOnlyTlsClientsWithACertificateOfTheCa() throws Exception {
        int port = cluster.node(1).controllerPort();
        assertTrue(greetsWithSettings(tlsSocket(port, true)), "a TLS client with the CA's certificate gets gRPC's greeting");
        assertFalse(greetsWithSettings(tlsSocket(port, false)), "a TLS client without a certificate is refused");
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        assertFalse(greetsWithSettings(plain), "a plaintext client is refused");
    }

    /** Sends HTTP/2's preface and reads the first frame: true when it is the server's SETTINGS. */
    private static boolean greetsWithSettings(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(HTTP2_PREFACE);
            out.write(EMPTY_SETTINGS_FRAME);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] header = in.readNBytes(9);
            return header.length == 9 && header[3] == 4;
        } catch (IOException refused) {
            return false;
        }
    }

    private static Socket tlsSocket(int port, boolean withCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(truststore)) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withCertificate) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                keys.load(in, PASSWORD.toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD.toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        socket.setSSLParameters(parameters);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return socket;
    }
}
