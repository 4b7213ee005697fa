package io.skein.security.sasl;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ClientFinalMessage;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ClientFirstMessage;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ServerFinalMessage;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ServerFirstMessage;

/**
 * The server side of SCRAM-SHA-256/512 (RFC 5802), with kafka-clients' message parsing
 * ({@code ScramMessages}) and crypto ({@link ScramFormatter}); only the exchange is ours.
 *
 * <p>Beyond Kafka: librdkafka before 2.6.1 (Debian's 2.0.2, so kcat, confluent-kafka-go and
 * confluent-kafka-python here) repeats its own nonce in the client-final message
 * (confluentinc/librdkafka#4895), which Kafka 4 refuses. This server accepts the final nonce when
 * it is exactly the nonce it issued, or exactly the client's nonce followed by the nonce it issued
 * (the shape of that bug) and nothing else; the proof is still checked over the bytes the client
 * sent, so the client must know the password either way.
 *
 * <p>Threading: one instance per authentication, used by one thread at a time.
 */
final class ScramServer implements SaslServer {

    private enum State { RECEIVE_CLIENT_FIRST, RECEIVE_CLIENT_FINAL, COMPLETE, FAILED }

    private final ScramMechanism mechanism;
    private final ScramFormatter formatter;
    private final ScramCredentialStore store;
    private State state = State.RECEIVE_CLIENT_FIRST;
    private String username;
    private ScramCredential credential;
    private boolean knownUser;
    private ClientFirstMessage clientFirst;
    private ServerFirstMessage serverFirst;

    ScramServer(ScramMechanism mechanism, ScramCredentialStore store) throws NoSuchAlgorithmException {
        this.mechanism = mechanism;
        this.formatter = new ScramFormatter(mechanism);
        this.store = store;
    }

    @Override
    public String getMechanismName() {
        return mechanism.mechanismName();
    }

    @Override
    public byte[] evaluateResponse(byte[] response) throws SaslException {
        try {
            return switch (state) {
                case RECEIVE_CLIENT_FIRST -> clientFirst(response);
                case RECEIVE_CLIENT_FINAL -> clientFinal(response);
                default -> throw new SaslException("Unexpected SCRAM message in state " + state);
            };
        } catch (SaslException | SaslAuthenticationException e) {
            state = State.FAILED;
            throw e;
        } catch (InvalidKeyException | RuntimeException e) {
            state = State.FAILED;
            throw new SaslException("SCRAM authentication failed: " + e.getMessage(), e);
        }
    }

    private byte[] clientFirst(byte[] response) throws SaslException {
        clientFirst = new ClientFirstMessage(response);
        if (clientFirst.extensions().tokenAuthenticated()) {
            throw new SaslAuthenticationException("Authentication failed: delegation tokens are not supported");
        }
        username = ScramFormatter.username(clientFirst.saslName());
        String authzid = clientFirst.authorizationId();
        if (authzid != null && !authzid.isEmpty() && !authzid.equals(username)) {
            throw new SaslAuthenticationException("Authentication failed: Client requested an authorization id "
                    + "that is different from username");
        }
        Optional<ScramCredential> stored = store.lookup(username, mechanism.mechanismName());
        knownUser = stored.isPresent();
        // an unknown user gets a made-up salt and fails only at the proof, so users cannot be probed
        credential = stored.orElseGet(() -> new ScramCredential(formatter.secureRandomBytes(),
                formatter.secureRandomBytes(), formatter.secureRandomBytes(), mechanism.minIterations()));
        if (credential.iterations() < mechanism.minIterations()) {
            throw new SaslAuthenticationException("Authentication failed: iterations below the minimum");
        }
        serverFirst = new ServerFirstMessage(clientFirst.nonce(), formatter.secureRandomString(), credential.salt(),
                credential.iterations());
        state = State.RECEIVE_CLIENT_FINAL;
        return serverFirst.toBytes();
    }

    private byte[] clientFinal(byte[] response) throws SaslException, InvalidKeyException {
        ClientFinalMessage clientFinal = new ClientFinalMessage(response);
        String issued = serverFirst.nonce();
        String nonce = clientFinal.nonce();
        if (!nonce.equals(issued) && !nonce.equals(clientFirst.nonce() + issued)) {
            throw new SaslAuthenticationException("Authentication failed: Invalid client nonce in the final client message.");
        }
        if (!Arrays.equals(clientFinal.channelBinding(), clientFirst.gs2Header().getBytes(StandardCharsets.UTF_8))) {
            throw new SaslAuthenticationException("Authentication failed: Invalid channel binding in the final client message.");
        }
        byte[] signature = formatter.clientSignature(credential.storedKey(), clientFirst, serverFirst, clientFinal);
        byte[] clientKey = ScramFormatter.xor(signature, clientFinal.proof());
        if (!knownUser || !MessageDigest.isEqual(formatter.hash(clientKey), credential.storedKey())) {
            throw new SaslAuthenticationException("Authentication failed during authentication due to invalid "
                    + "credentials with SASL mechanism " + mechanism.mechanismName());
        }
        byte[] serverSignature = formatter.serverSignature(credential.serverKey(), clientFirst, serverFirst, clientFinal);
        state = State.COMPLETE;
        return new ServerFinalMessage(null, serverSignature).toBytes();
    }

    @Override
    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    @Override
    public String getAuthorizationID() {
        if (!isComplete()) {
            throw new IllegalStateException("Authentication exchange has not completed");
        }
        return username;
    }

    @Override
    public byte[] unwrap(byte[] incoming, int offset, int len) throws SaslException {
        throw new SaslException("SCRAM supports neither integrity nor privacy");
    }

    @Override
    public byte[] wrap(byte[] outgoing, int offset, int len) throws SaslException {
        throw new SaslException("SCRAM supports neither integrity nor privacy");
    }

    @Override
    public Object getNegotiatedProperty(String propName) {
        return null;
    }

    @Override
    public void dispose() {
        credential = null;
    }
}
