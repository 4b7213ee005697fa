package io.skein.security.certs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * {@code ./skein certs --out DIR --hosts H1[,H2...] [--client NAME]}: writes a CA
 * ({@code ca.pem}, {@code truststore.p12}), a PKCS12 keystore and a properties file per broker
 * host, and a client certificate for mutual TLS ({@code NAME.pem}, {@code NAME.key},
 * {@code NAME.p12}, {@code client.properties}). Passwords are random; files holding a key or a
 * password are readable by their owner only. Running it again on the same directory keeps the CA
 * and the files already there and adds what is new.
 */
public final class CertsTool {

    private static final String SECRETS = "secrets.properties";
    private final Path out;
    private final SecureRandom random = new SecureRandom();
    private final List<String> written = new ArrayList<>();
    private final Properties secrets = new Properties();

    private CertsTool(Path out) {
        this.out = out.toAbsolutePath();
    }

    /**
     * @return the summary to print: what was written and the next two commands to type
     */
    public static String run(Path out, List<String> hosts, String clientName) throws IOException, GeneralSecurityException {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("--hosts needs at least one host name or IP address");
        }
        return new CertsTool(out).write(hosts, clientName == null ? "client" : clientName);
    }

    private String write(List<String> hosts, String clientName) throws IOException, GeneralSecurityException {
        Files.createDirectories(out);
        Path secretsFile = out.resolve(SECRETS);
        if (Files.exists(secretsFile)) {
            try (Reader r = Files.newBufferedReader(secretsFile, StandardCharsets.UTF_8)) {
                secrets.load(r);
            }
        }
        CertificateAuthority ca = authority();
        String trustPassword = secret("truststore.password");
        Path truststore = out.resolve("truststore.p12");
        if (!Files.exists(truststore)) {
            KeyStore store = emptyStore();
            store.setCertificateEntry("ca", ca.certificate());
            writeStore(store, truststore, trustPassword, false);
        }
        for (String host : hosts) {
            Path keystore = out.resolve(host + ".p12");
            if (Files.exists(keystore)) {
                continue;
            }
            String password = secret("keystore." + host + ".password");
            CertificateAuthority.Issued issued = ca.issueServer(host);
            KeyStore store = emptyStore();
            store.setKeyEntry(host, issued.keys().getPrivate(), password.toCharArray(),
                    new Certificate[] {issued.certificate(), ca.certificate()});
            writeStore(store, keystore, password, true);
            writePrivate(out.resolve(host + ".properties"), String.join("\n",
                    "# TLS settings for the broker on " + host + " (made by ./skein certs)",
                    "ssl.keystore.type=PKCS12",
                    "ssl.keystore.location=" + keystore,
                    "ssl.keystore.password=" + password,
                    "ssl.truststore.type=PKCS12",
                    "ssl.truststore.location=" + truststore,
                    "ssl.truststore.password=" + trustPassword, ""));
        }
        Path clientKeystore = out.resolve(clientName + ".p12");
        if (!Files.exists(clientKeystore)) {
            String password = secret("keystore." + clientName + ".password");
            CertificateAuthority.Issued client = ca.issueClient(clientName);
            writePublic(out.resolve(clientName + ".pem"), CertificateAuthority.pem(client.certificate(), ca.certificate()));
            writePrivate(out.resolve(clientName + ".key"), CertificateAuthority.privateKeyPem(client.keys().getPrivate()));
            KeyStore store = emptyStore();
            store.setKeyEntry(clientName, client.keys().getPrivate(), password.toCharArray(),
                    new Certificate[] {client.certificate(), ca.certificate()});
            writeStore(store, clientKeystore, password, true);
            writePrivate(out.resolve("client.properties"), String.join("\n",
                    "# Java client settings (made by ./skein certs); add security.protocol=SSL or SASL_SSL",
                    "ssl.truststore.type=PKCS12",
                    "ssl.truststore.location=" + truststore,
                    "ssl.truststore.password=" + trustPassword,
                    "# for mutual TLS (ssl.client.auth=required on the listener), also:",
                    "#ssl.keystore.type=PKCS12",
                    "#ssl.keystore.location=" + clientKeystore,
                    "#ssl.keystore.password=" + password, ""));
        }
        saveSecrets(secretsFile);
        String first = hosts.get(0);
        return "Wrote to " + out + ": " + String.join(", ", written) + "\n"
                + "Next, start a broker with a TLS listener and connect to it:\n"
                + "  ./skein start --config " + out.resolve(first + ".properties")
                + " --set listeners=PLAINTEXT://127.0.0.1:9092,SSL://" + first + ":9094,CONTROLLER://127.0.0.1:9093\n"
                + "  kcat -b " + first + ":9094 -X security.protocol=ssl -X ssl.ca.location=" + out.resolve("ca.pem")
                + " -L\n";
    }

    private CertificateAuthority authority() throws IOException, GeneralSecurityException {
        Path certFile = out.resolve("ca.pem");
        Path keyFile = out.resolve("ca.key");
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            return CertificateAuthority.load(Files.readString(certFile), Files.readString(keyFile));
        }
        CertificateAuthority ca = CertificateAuthority.create("Skein CA " + out.getFileName());
        writePublic(certFile, ca.certificatePem());
        writePrivate(keyFile, ca.privateKeyPem());
        return ca;
    }

    private String secret(String name) {
        String value = secrets.getProperty(name);
        if (value == null) {
            byte[] bytes = new byte[18];
            random.nextBytes(bytes);
            value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            secrets.setProperty(name, value);
        }
        return value;
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private void writeStore(KeyStore store, Path file, String password, boolean holdsKey)
            throws IOException, GeneralSecurityException {
        try (OutputStream o = open(file, holdsKey)) {
            store.store(o, password.toCharArray());
        }
        written.add(file.getFileName().toString());
    }

    private void writePublic(Path file, String text) throws IOException {
        try (Writer w = new java.io.OutputStreamWriter(open(file, false), StandardCharsets.UTF_8)) {
            w.write(text);
        }
        written.add(file.getFileName().toString());
    }

    private void writePrivate(Path file, String text) throws IOException {
        try (Writer w = new java.io.OutputStreamWriter(open(file, true), StandardCharsets.UTF_8)) {
            w.write(text);
        }
        written.add(file.getFileName().toString());
    }

    private void saveSecrets(Path file) throws IOException {
        try (Writer w = new java.io.OutputStreamWriter(open(file, true), StandardCharsets.UTF_8)) {
            secrets.store(w, "passwords of the stores made by ./skein certs; keep this file private");
        }
    }

    /** Creates the file owner-only ({@code 0600}) when it holds a secret, world-readable otherwise. */
    private static OutputStream open(Path file, boolean secret) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                secret ? "rw-------" : "rw-r--r--")));
        return Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }
}
