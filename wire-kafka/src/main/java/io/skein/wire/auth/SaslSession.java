package io.skein.wire.auth;

import io.skein.security.sasl.SaslListenerSettings;
import io.skein.wire.connection.ConnectionIdentity;
import java.util.List;
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
 * the connection is then the authenticated user. Re-authentication (KIP-368) is not offered.
 *
 * <p>Threading: {@link #handshake} and {@link #authenticate} run on request-handler threads, one
 * at a time per connection (requests of a connection are handled in order), and are synchronized;
 * {@link #isAuthenticated} is read by the event loop, hence the volatile state.
 */
public final class SaslSession {

    private static final Logger log = LoggerFactory.getLogger(SaslSession.class);

    enum State { AWAITING_HANDSHAKE, AWAITING_AUTHENTICATE, AUTHENTICATED, FAILED }

    /** The answer to one SaslAuthenticate. */
    public record Outcome(Errors error, String message, byte[] challenge) {
    }

    private final SaslListenerSettings settings;
    private final ConnectionIdentity identity;
    private volatile State state = State.AWAITING_HANDSHAKE;
    private SaslServer server;

    public SaslSession(SaslListenerSettings settings, ConnectionIdentity identity) {
        this.settings = settings;
        this.identity = identity;
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

    /** SaslHandshake: NONE and the mechanism chosen, or UNSUPPORTED_SASL_MECHANISM / ILLEGAL_SASL_STATE. */
    public synchronized Errors handshake(String mechanism) {
        if (state != State.AWAITING_HANDSHAKE) {
            return Errors.ILLEGAL_SASL_STATE;
        }
        SaslServer created = settings.newServer(mechanism);
        if (created == null) {
            log.info("Connection from {} on listener {} asked for SASL mechanism {}, which is not enabled ({})",
                    identity.peer(), identity.listenerName(), mechanism, settings.mechanisms());
            return Errors.UNSUPPORTED_SASL_MECHANISM;
        }
        server = created;
        state = State.AWAITING_AUTHENTICATE;
        return Errors.NONE;
    }

    /** One SaslAuthenticate round. */
    public synchronized Outcome authenticate(byte[] token) {
        if (state != State.AWAITING_AUTHENTICATE) {
            return new Outcome(Errors.ILLEGAL_SASL_STATE, "Unexpected SaslAuthenticate request in state " + state,
                    new byte[0]);
        }
        try {
            byte[] challenge = server.evaluateResponse(token);
            if (server.isComplete()) {
                KafkaPrincipal principal = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, server.getAuthorizationID());
                identity.authenticatedAs(principal);
                state = State.AUTHENTICATED;
                dispose();
                log.debug("{} authenticated with SASL/{}", identity, settings.mechanisms());
            }
            return new Outcome(Errors.NONE, null, challenge == null ? new byte[0] : challenge);
        } catch (SaslAuthenticationException | SaslException e) {
            state = State.FAILED;
            dispose();
            log.info("Failed SASL authentication of a client from {} on listener {}: {}", identity.peer(),
                    identity.listenerName(), e.getMessage());
            String message = e instanceof SaslAuthenticationException ? e.getMessage()
                    : "Authentication failed during authentication due to invalid credentials with SASL mechanism";
            return new Outcome(Errors.SASL_AUTHENTICATION_FAILED, message, new byte[0]);
        }
    }

    private void dispose() {
        try {
            server.dispose();
        } catch (SaslException e) {
            // nothing held
        }
    }
}
