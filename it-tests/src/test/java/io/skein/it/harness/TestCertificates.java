package io.skein.it.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for TLS tests, made with BouncyCastle: a CA, and broker or client certificates it
 * signs (the broker's valid for 127.0.0.1 and localhost), written as PKCS12 or JKS stores or PEM.
 */
public final class TestCertificates {

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    /** A key pair with its certificate and the chain up to (and including) the CA. */
    public record Issued(KeyPair keys, X509Certificate certificate, X509Certificate[] chain) {
    }

    private TestCertificates() {
    }

    public static Issued ca(String commonName) {
        KeyPair keys = rsa();
        X509Certificate cert = sign(new X500Name("CN=" + commonName), keys, new X500Name("CN=" + commonName), keys,
                true, false);
        return new Issued(keys, cert, new X509Certificate[] {cert});
    }

    /** A certificate for {@code subject} (e.g. "CN=broker,O=Skein") signed by {@code ca}. */
    public static Issued issue(Issued ca, String subject, boolean forBroker) {
        KeyPair keys = rsa();
        X509Certificate cert = sign(new X500Name(subject), keys,
                new X500Name(ca.certificate().getSubjectX500Principal().getName()), ca.keys(), false, forBroker);
        return new Issued(keys, cert, new X509Certificate[] {cert, ca.certificate()});
    }

    /** A key store ("PKCS12" or "JKS") holding the key and its chain under alias "key". */
    public static Path keyStore(Path file, String type, Issued who, String password) {
        try {
            KeyStore store = KeyStore.getInstance(type);
            store.load(null, null);
            store.setKeyEntry("key", who.keys().getPrivate(), password.toCharArray(), who.chain());
            write(store, file, password);
            return file;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A trust store ("PKCS12" or "JKS") holding the CA certificate. */
    public static Path trustStore(Path file, String type, Issued ca, String password) {
        try {
            KeyStore store = KeyStore.getInstance(type);
            store.load(null, null);
            store.setCertificateEntry("ca", ca.certificate());
            write(store, file, password);
            return file;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(KeyStore store, Path file, String password) throws IOException, GeneralSecurityException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
    }

    /** PEM text of the certificates, in order. */
    public static String pem(Certificate... certificates) {
        return pemOf((Object[]) certificates);
    }

    /** The private key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), as Kafka's PEM keystores take it. */
    public static String pemPrivateKey(Issued who) {
        try {
            return pemOf(new JcaPKCS8Generator(who.keys().getPrivate(), null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pemOf(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                pem.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
                                        boolean isCa, boolean forBroker) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(2))), subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (forBroker) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
