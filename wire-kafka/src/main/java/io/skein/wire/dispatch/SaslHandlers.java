package io.skein.wire.dispatch;

import io.skein.wire.api.HandlerRegistry;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import io.skein.wire.auth.SaslSession;
import java.util.ArrayList;
import io.skein.wire.api.RespondThenCloseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;

/**
 * SaslHandshake (version 1, whose tokens travel in SaslAuthenticate requests; version 0 is
 * advertised, as Kafka does, but answered ILLEGAL_SASL_STATE) and
 * SaslAuthenticate (0-2), answered from the connection's {@link SaslSession}. On a listener
 * without SASL both answer ILLEGAL_SASL_STATE, as Kafka does.
 */
public final class SaslHandlers {

    private SaslHandlers() {
    }

    /** Registers both APIs unless the registry already has them. */
    public static void registerInto(HandlerRegistry registry) {
        if (registry.get(ApiKeys.SASL_HANDSHAKE) == null) {
            // advertised from v0 like Kafka 4 does: librdkafka takes a missing v0 to mean "no SASL"
            registry.register(ApiKeys.SASL_HANDSHAKE, 0, 1, new Handshake());
        }
        if (registry.get(ApiKeys.SASL_AUTHENTICATE) == null) {
            registry.register(ApiKeys.SASL_AUTHENTICATE, new Authenticate());
        }
    }

    static final class Handshake implements RequestHandler {
        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
            SaslSession session = context.sasl();
            if (session == null) {
                return CompletableFuture.completedFuture(new SaslHandshakeResponseData()
                        .setErrorCode(Errors.ILLEGAL_SASL_STATE.code()).setMechanisms(new ArrayList<>()));
            }
            String mechanism = ((SaslHandshakeRequest) request).data().mechanism();
            // version 0 would be followed by raw SASL tokens outside Kafka's framing; only the
            // framed exchange (SaslAuthenticate) is served
            Errors error = context.apiVersion() == 0 ? Errors.ILLEGAL_SASL_STATE : session.handshake(mechanism);
            SaslHandshakeResponseData response = new SaslHandshakeResponseData().setErrorCode(error.code())
                    .setMechanisms(new ArrayList<>(session.mechanisms()));
            if (error == Errors.UNSUPPORTED_SASL_MECHANISM) {
                // as Kafka: the client learns the enabled mechanisms, then the connection is closed
                return CompletableFuture.failedFuture(new RespondThenCloseException(response,
                        "SASL mechanism " + mechanism + " is not enabled"));
            }
            return CompletableFuture.completedFuture(response);
        }
    }

    static final class Authenticate implements RequestHandler {
        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
            SaslSession session = context.sasl();
            if (session == null) {
                return CompletableFuture.completedFuture(new SaslAuthenticateResponseData()
                        .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                        .setErrorMessage("SaslAuthenticate on a listener without SASL").setAuthBytes(new byte[0]));
            }
            SaslSession.Outcome outcome = session.authenticate(((SaslAuthenticateRequest) request).data().authBytes());
            SaslAuthenticateResponseData response = new SaslAuthenticateResponseData()
                    .setErrorCode(outcome.error().code()).setErrorMessage(outcome.message())
                    .setAuthBytes(outcome.challenge()).setSessionLifetimeMs(outcome.sessionLifetimeMs());
            if (outcome.error() == Errors.NONE) {
                return CompletableFuture.completedFuture(response);
            }
            // as Kafka: the failure is answered after connection.failed.authentication.delay.ms, then the
            // connection is closed
            CompletableFuture<ApiMessage> delayed = new CompletableFuture<>();
            CompletableFuture.delayedExecutor(session.failedAuthenticationDelayMs(), TimeUnit.MILLISECONDS).execute(
                    () -> delayed.completeExceptionally(new RespondThenCloseException(response,
                            "SASL authentication failed")));
            return delayed;
        }
    }
}
