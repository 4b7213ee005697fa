package io.skein.broker.partition;

import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.security.sasl.ScramCredentialStore;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.security.scram.ScramCredential;

/** SCRAM credentials for SASL authentication, read from the current metadata image. */
public final class ImageScramCredentials implements ScramCredentialStore {

    private final MetadataQuorum quorum;

    public ImageScramCredentials(MetadataQuorum quorum) {
        this.quorum = quorum;
    }

    @Override
    public Optional<ScramCredential> lookup(String user, String mechanism) {
        MetadataImage.ScramCredentialInfo info = quorum.image().scramCredentials().getOrDefault(user, Map.of())
                .get(mechanism);
        return info == null ? Optional.empty()
                : Optional.of(new ScramCredential(info.salt(), info.storedKey(), info.serverKey(), info.iterations()));
    }
}
