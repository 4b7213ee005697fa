package io.skein.wire.auth;

import io.skein.security.sasl.SaslListenerSettings;
import io.skein.wire.connection.ConnectionIdentity;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's SASL exchange on a SASL listener: SaslHandshake picks the mechanism, then
 * SaslAuthenticate rounds feed the client's tokens to the mechanism's server until it completes;
 * the connection is then the authenticated user.
 *
 * <p>Re-authentication (KIP-368): when {@code connections.max.reauth.ms} is set, a completed
 * authentication tells the client its session lifetime and the session expires after it. The
 * client re-authenticates on the same connection (a new SaslHandshake and SaslAuthenticate
 * rounds, same mechanism, same principal); meanwhile the connection keeps its authentication.
 * Once expired, anything but re-authentication closes the connection ({@link SaslGate}).
 *
 * <p>Threading: {@link #handshake} and {@link #authenticate} run on request-handler threads, one
 * at a time per connection (requests of a connection are handled in order), and are synchronized;
 * {@link #isAuthenticated} and {@link #isExpired} are read by the event loop, hence the volatile state.
 */
public final class SaslSession {

    private static final Logger log = LoggerFactory.getLogger(SaslSession.class);

    enum State { AWAITING_HANDSHAKE, AWAITING_AUTHENTICATE, AUTHENTICATED, FAILED }

    /** The answer to one SaslAuthenticate; {@code sessionLifetimeMs} is 0 unless it completed one with a lifetime. */
    public record Outcome(Errors error, String message, byte[] challenge, long sessionLifetimeMs) {
    }

    private final SaslListenerSettings settings;
    private final ConnectionIdentity identity;
    private final LongSupplier nanoClock;
    private volatile State state = State.AWAITING_HANDSHAKE;
    /** When the current authentication expires (System.nanoTime); only meaningful while {@link #hasLifetime}. */
    private volatile long expiresAtNanos;
    private volatile boolean hasLifetime;
    private SaslServer server;
    private String mechanism;
    private KafkaPrincipal principal;
    /** A re-authentication is under way: a new server exchanges tokens while the connection stays authenticated. */
    private boolean reauthenticating;

    public SaslSession(SaslListenerSettings settings, ConnectionIdentity identity) {
        this(settings, identity, System::nanoTime);
    }

    SaslSession(SaslListenerSettings settings, ConnectionIdentity identity, LongSupplier nanoClock) {
        this.settings = settings;
        this.identity = identity;
        this.nanoClock = nanoClock;
    }

    public long failedAuthenticationDelayMs() {
        return settings.failedAuthenticationDelayMs();
    }

    public List<String> mechanisms() {
        return settings.mechanisms();
    }

    public boolean isAuthenticated() {
        return state == State.AUTHENTICATED;
    }

    /** The authentication has outlived {@code connections.max.reauth.ms} and was not renewed. */
    public boolean isExpired() {
        return hasLifetime && nanoClock.getAsLong() - expiresAtNanos > 0;
    }

    /**
     * SaslHandshake: NONE and the mechanism chosen, or UNSUPPORTED_SASL_MECHANISM /
     * ILLEGAL_SASL_STATE. On an authenticated connection with a session lifetime it begins a
     * re-authentication, which must use the mechanism of the first authentication.
     */
    public synchronized Errors handshake(String requested) {
        // as Kafka: without a session lifetime there is no re-authentication, and a second handshake is refused
        boolean reauthentication = state == State.AUTHENTICATED && hasLifetime && !reauthenticating;
        if (state != State.AWAITING_HANDSHAKE && !reauthentication) {
            return Errors.ILLEGAL_SASL_STATE;
        }
        if (reauthentication && !requested.equals(mechanism)) {
            log.info("Connection from {} on listener {} tried to re-authenticate with SASL/{} after SASL/{}; "
                    + "re-authentication must use the same mechanism", identity.peer(), identity.listenerName(),
                    requested, mechanism);
            return Errors.ILLEGAL_SASL_STATE;
        }
        SaslServer created = settings.newServer(requested);
        if (created == null) {
            log.info("Connection from {} on listener {} asked for SASL mechanism {}, which is not enabled ({})",
                    identity.peer(), identity.listenerName(), requested, settings.mechanisms());
            return Errors.UNSUPPORTED_SASL_MECHANISM;
        }
        server = created;
        mechanism = requested;
        if (reauthentication) {
            reauthenticating = true;
        } else {
            state = State.AWAITING_AUTHENTICATE;
        }
        return Errors.NONE;
    }

    /** One SaslAuthenticate round. */
    public synchronized Outcome authenticate(byte[] token) {
        if (state != State.AWAITING_AUTHENTICATE && !reauthenticating) {
            return new Outcome(Errors.ILLEGAL_SASL_STATE, "Unexpected SaslAuthenticate request in state " + state,
                    new byte[0], 0);
        }
        try {
            byte[] challenge = server.evaluateResponse(token);
            long lifetimeMs = 0;
            if (server.isComplete()) {
                lifetimeMs = complete(new KafkaPrincipal(KafkaPrincipal.USER_TYPE, server.getAuthorizationID()));
            }
            return new Outcome(Errors.NONE, null, challenge == null ? new byte[0] : challenge, lifetimeMs);
        } catch (SaslAuthenticationException | SaslException e) {
            state = State.FAILED;
            hasLifetime = false;
            reauthenticating = false;
            dispose();
            log.info("Failed SASL {}authentication of a client from {} on listener {}: {}",
                    principal != null ? "re-" : "", identity.peer(), identity.listenerName(), e.getMessage());
            String message = e instanceof SaslAuthenticationException ? e.getMessage()
                    : "Authentication failed during authentication due to invalid credentials with SASL mechanism";
            return new Outcome(Errors.SASL_AUTHENTICATION_FAILED, message, new byte[0], 0);
        }
    }

    /** Records a completed (re-)authentication and returns the session lifetime to tell the client. */
    private long complete(KafkaPrincipal authenticated) {
        dispose();
        if (reauthenticating && !authenticated.equals(principal)) {
            throw new SaslAuthenticationException("Re-authentication must not change the principal (was "
                    + principal + ")");
        }
        boolean renewal = reauthenticating;
        reauthenticating = false;
        principal = authenticated;
        identity.authenticatedAs(authenticated);
        long lifetimeMs = settings.maxReauthMs(mechanism);
        hasLifetime = lifetimeMs > 0;
        expiresAtNanos = nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(lifetimeMs);
        state = State.AUTHENTICATED;
        log.debug("{} {} with SASL/{}", identity, renewal ? "re-authenticated" : "authenticated", mechanism);
        return lifetimeMs;
    }

    private void dispose() {
        try {
            server.dispose();
        } catch (SaslException e) {
            // nothing held
        }
    }
}
