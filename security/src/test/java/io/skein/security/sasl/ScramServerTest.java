package io.skein.security.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ClientFinalMessage;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ClientFirstMessage;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ServerFinalMessage;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ServerFirstMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The SCRAM exchange driven the way clients drive it (messages and proofs from kafka-clients'
 * ScramMessages and ScramFormatter): correct passwords pass, wrong ones and unknown users fail,
 * and of the final nonces only the issued one and librdkafka's repeated-client-nonce shape pass.
 */
class ScramServerTest {

    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";

    /** Runs a whole exchange; {@code finalNonce} builds the client-final nonce from the issued one. */
    private static String authenticate(ScramMechanism mechanism, String user, String password,
                                       java.util.function.UnaryOperator<String> finalNonce) throws Exception {
        ScramFormatter formatter = new ScramFormatter(mechanism);
        byte[] salt = "a-salt-for-tests".getBytes(StandardCharsets.UTF_8);
        ScramCredential alice = formatter.generateCredential(salt, formatter.saltedPassword("alice-secret", salt, 4096),
                4096);
        ScramCredentialStore store = (u, m) -> u.equals("alice") && m.equals(mechanism.mechanismName())
                ? Optional.of(alice) : Optional.empty();
        ScramServer server = new ScramServer(mechanism, store);

        ClientFirstMessage clientFirst = new ClientFirstMessage(ScramFormatter.saslName(user), CLIENT_NONCE, Map.of());
        ServerFirstMessage serverFirst = new ServerFirstMessage(server.evaluateResponse(clientFirst.toBytes()));
        assertTrue(serverFirst.nonce().startsWith(CLIENT_NONCE));
        byte[] saltedPassword = formatter.saltedPassword(password, serverFirst.salt(), serverFirst.iterations());
        ClientFinalMessage clientFinal = new ClientFinalMessage("n,,".getBytes(StandardCharsets.UTF_8),
                finalNonce.apply(serverFirst.nonce()));
        clientFinal.proof(formatter.clientProof(saltedPassword, clientFirst, serverFirst, clientFinal));
        ServerFinalMessage serverFinal = new ServerFinalMessage(server.evaluateResponse(clientFinal.toBytes()));
        assertTrue(server.isComplete());
        // the client checks the server's signature: the server knew the credential
        byte[] serverKey = formatter.serverKey(saltedPassword);
        assertTrue(java.util.Arrays.equals(serverFinal.serverSignature(),
                formatter.serverSignature(serverKey, clientFirst, serverFirst, clientFinal)));
        return server.getAuthorizationID();
    }

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void theRightPasswordAuthenticates(ScramMechanism mechanism) throws Exception {
        assertEquals("alice", authenticate(mechanism, "alice", "alice-secret", issued -> issued));
    }

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void librdkafkasRepeatedClientNonceIsAccepted(ScramMechanism mechanism) throws Exception {
        assertEquals("alice", authenticate(mechanism, "alice", "alice-secret", issued -> CLIENT_NONCE + issued));
    }

    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void anythingElseFails(ScramMechanism mechanism) {
        assertThrows(SaslAuthenticationException.class,
                () -> authenticate(mechanism, "alice", "wrong", issued -> issued));
        assertThrows(SaslAuthenticationException.class,
                () -> authenticate(mechanism, "mallory", "alice-secret", issued -> issued));
        assertThrows(SaslAuthenticationException.class,
                () -> authenticate(mechanism, "alice", "alice-secret", issued -> issued + "x"));
        assertThrows(SaslAuthenticationException.class,
                () -> authenticate(mechanism, "alice", "alice-secret", issued -> CLIENT_NONCE + CLIENT_NONCE + issued));
        assertThrows(SaslAuthenticationException.class,
                () -> authenticate(mechanism, "alice", "alice-secret", issued -> "other" + issued));
    }
}
