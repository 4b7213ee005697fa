package io.skein.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Processes;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestBroker;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * {@code skein certs} makes everything a TLS setup needs: the broker starts with the generated
 * properties, kcat trusts the generated {@code ca.pem} and authenticates with the client's PEM
 * certificate and key, kafka-clients uses the generated truststore and client keystore for mutual
 * TLS, secrets are owner-only, and a second run keeps the CA.
 */
class CertsToolTest {

    /** Runs {@code ./skein certs} (SkeinMain certs) with the arguments. */
    static Processes.Result certs(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.skein.broker.cli.SkeinMain", "certs"));
        command.addAll(List.of(args));
        return Processes.run(command, null, Map.of(), Duration.ofSeconds(60));
    }

    static Properties load(Path file) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    @Test
    void generatedCertificatesServeTlsAndMutualTls() throws Exception {
        Path dir = TestBroker.freshDataDir("certs-tool").resolve("certs");
        Processes.Result made = certs("--out", dir.toString(), "--hosts", "127.0.0.1,localhost", "--client", "alice");
        assertEquals(0, made.exitCode(), made.describe());
        assertTrue(made.output().contains("kcat -b 127.0.0.1:9094"), made.describe());
        for (String secret : List.of("ca.key", "127.0.0.1.p12", "127.0.0.1.properties", "alice.key", "alice.p12",
                "client.properties")) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(dir.resolve(secret)), secret + " must be owner-only");
        }
        String ca = Files.readString(dir.resolve("ca.pem"));
        assertEquals(2, certs("--hosts", "x").exitCode(), "missing --out is a usage error");

        Properties broker = load(dir.resolve("127.0.0.1.properties"));
        int plain = SkeinNode.freePort();
        int ssl = SkeinNode.freePort();
        int controller = SkeinNode.freePort();
        Map<String, String> settings = new HashMap<>();
        broker.forEach((k, v) -> settings.put((String) k, (String) v));
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + plain + ",SSL://127.0.0.1:" + ssl
                + ",CONTROLLER://127.0.0.1:" + controller);
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        settings.put("listener.name.ssl.ssl.client.auth", "required");
        try (SkeinNode node = SkeinNode.start("certs-tool-broker", TestBroker.freshDataDir("certs-tool-broker"), settings)) {
            Processes.require("kcat");
            Processes.Result kcat = Processes.run(List.of("kcat", "-L", "-b", "127.0.0.1:" + ssl,
                    "-X", "security.protocol=ssl", "-X", "ssl.ca.location=" + dir.resolve("ca.pem"),
                    "-X", "ssl.certificate.location=" + dir.resolve("alice.pem"),
                    "-X", "ssl.key.location=" + dir.resolve("alice.key")), null, Map.of(), Duration.ofSeconds(60));
            assertEquals(0, kcat.exitCode(), kcat.describe());
            assertTrue(kcat.output().contains("1 brokers"), kcat.describe());

            Map<String, Object> client = new HashMap<>();
            load(dir.resolve("client.properties")).forEach((k, v) -> client.put((String) k, v));
            for (String line : Files.readAllLines(dir.resolve("client.properties"))) {
                if (line.startsWith("#ssl.keystore.")) { // the mutual-TLS lines, commented out by default
                    String[] kv = line.substring(1).split("=", 2);
                    client.put(kv[0], kv[1]);
                }
            }
            client.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + ssl);
            try (Admin admin = Admin.create(client)) {
                assertEquals(1, admin.describeCluster().nodes().get().size());
            }
        }

        Processes.Result again = certs("--out", dir.toString(), "--hosts", "broker-2.internal");
        assertEquals(0, again.exitCode(), again.describe());
        assertEquals(ca, Files.readString(dir.resolve("ca.pem")), "a second run keeps the CA");
        assertTrue(Files.exists(dir.resolve("broker-2.internal.p12")));
    }
}
