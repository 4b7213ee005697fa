package io.skein.security.sasl;

import java.security.NoSuchAlgorithmException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * Derives what is stored for a SCRAM user (stored key and server key) from the salted password
 * an admin client sends with AlterUserScramCredentials, with kafka-clients' {@link ScramFormatter}.
 */
public final class ScramKeys {

    private ScramKeys() {
    }

    /** True for SCRAM-SHA-256 and SCRAM-SHA-512. */
    public static boolean isScram(String mechanism) {
        return ScramMechanism.forMechanismName(mechanism) != null;
    }

    /** @throws IllegalArgumentException for a mechanism that is not SCRAM */
    public static ScramCredential derive(String mechanism, byte[] salt, byte[] saltedPassword, int iterations) {
        ScramMechanism m = ScramMechanism.forMechanismName(mechanism);
        if (m == null) {
            throw new IllegalArgumentException("Unknown SCRAM mechanism " + mechanism);
        }
        try {
            return new ScramFormatter(m).generateCredential(salt, saltedPassword, iterations);
        } catch (NoSuchAlgorithmException e) {
            throw new ConfigException("This JVM lacks " + m.hashAlgorithm() + ": " + e.getMessage());
        }
    }
}
