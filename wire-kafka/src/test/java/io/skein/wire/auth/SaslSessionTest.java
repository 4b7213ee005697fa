package io.skein.wire.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.security.sasl.SaslListenerSettings;
import io.skein.wire.connection.ConnectionIdentity;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.Test;

class SaslSessionTest {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_alice=\"alice-secret\" user_bob=\"bob-secret\";";

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ConnectionIdentity identity = new ConnectionIdentity("SASL_PLAINTEXT",
            new InetSocketAddress("127.0.0.1", 40000), 7);

    private SaslSession session(String reauthMs) {
        Map<String, String> configs = new HashMap<>(Map.of(
                "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256",
                "plain.sasl.jaas.config", JAAS));
        if (reauthMs != null) {
            configs.put("connections.max.reauth.ms", reauthMs);
        }
        return new SaslSession(SaslListenerSettings.load("SASL_PLAINTEXT", configs), identity, nanos::get);
    }

    private static byte[] plain(String user, String password) {
        return ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
    }

    private void advanceMs(long ms) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Test
    void withoutReauthenticationASessionNeverExpiresAndNoLifetimeIsAnnounced() {
        SaslSession session = session(null);
        assertEquals(Errors.NONE, session.handshake("PLAIN"));
        SaslSession.Outcome outcome = session.authenticate(plain("alice", "alice-secret"));
        assertEquals(Errors.NONE, outcome.error());
        assertEquals(0, outcome.sessionLifetimeMs());
        assertTrue(session.isAuthenticated());
        advanceMs(365L * 24 * 3600 * 1000);
        assertFalse(session.isExpired());
        assertEquals(Errors.ILLEGAL_SASL_STATE, session.handshake("PLAIN"), "without re-authentication a second handshake is refused");
    }

    @Test
    void aSessionExpiresAfterItsLifetimeAndAReauthenticationRenewsIt() {
        SaslSession session = session("1000");
        session.handshake("PLAIN");
        assertEquals(1000, session.authenticate(plain("alice", "alice-secret")).sessionLifetimeMs());
        advanceMs(900);
        assertFalse(session.isExpired());

        assertEquals(Errors.NONE, session.handshake("PLAIN"), "a handshake on an authenticated connection re-authenticates");
        assertTrue(session.isAuthenticated(), "the connection stays authenticated while it re-authenticates");
        SaslSession.Outcome renewed = session.authenticate(plain("alice", "alice-secret"));
        assertEquals(Errors.NONE, renewed.error());
        assertEquals(1000, renewed.sessionLifetimeMs());
        advanceMs(900);
        assertFalse(session.isExpired(), "the lifetime counts from the re-authentication");
        advanceMs(200);
        assertTrue(session.isExpired());
        assertEquals(new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "alice"), identity.principal());
    }

    @Test
    void reauthenticationMayChangeNeitherThePrincipalNorTheMechanism() {
        SaslSession session = session("1000");
        session.handshake("PLAIN");
        session.authenticate(plain("alice", "alice-secret"));

        assertEquals(Errors.ILLEGAL_SASL_STATE, session.handshake("SCRAM-SHA-256"));
        assertEquals(Errors.NONE, session.handshake("PLAIN"));
        SaslSession.Outcome asBob = session.authenticate(plain("bob", "bob-secret"));
        assertEquals(Errors.SASL_AUTHENTICATION_FAILED, asBob.error());
        assertFalse(session.isAuthenticated());
        assertEquals(new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "alice"), identity.principal());
    }

    @Test
    void aFailedReauthenticationEndsTheSession() {
        SaslSession session = session("1000");
        session.handshake("PLAIN");
        session.authenticate(plain("alice", "alice-secret"));
        session.handshake("PLAIN");
        assertEquals(Errors.SASL_AUTHENTICATION_FAILED, session.authenticate(plain("alice", "wrong")).error());
        assertFalse(session.isAuthenticated());
        assertFalse(session.isExpired(), "a failed session is closed by the failure, not by expiry");
    }

    @Test
    void saslAuthenticateBeforeAHandshakeIsAnIllegalState() {
        SaslSession session = session("1000");
        assertEquals(Errors.ILLEGAL_SASL_STATE, session.authenticate(plain("alice", "alice-secret")).error());
        assertFalse(session.isAuthenticated());
    }

    @Test
    void aNegativeOrNonNumericLifetimeIsAConfigError() {
        org.junit.jupiter.api.Assertions.assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> session("-5"));
        org.junit.jupiter.api.Assertions.assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> session("soon"));
    }
}
