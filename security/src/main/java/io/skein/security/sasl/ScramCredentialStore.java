package io.skein.security.sasl;

import java.util.Optional;
import org.apache.kafka.common.security.scram.ScramCredential;

/** Where SCRAM credentials live (the metadata image); looked up once per authentication. */
@FunctionalInterface
public interface ScramCredentialStore {

    Optional<ScramCredential> lookup(String user, String mechanism);

    ScramCredentialStore EMPTY = (user, mechanism) -> Optional.empty();
}
