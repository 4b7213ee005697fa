package io.skein.replication.raft;

import io.skein.replication.api.QuorumSettings;

/** Placeholder so the API compiles; replaced by the real implementation. */
public abstract class RatisMetadataQuorum implements io.skein.replication.api.MetadataQuorum {
    protected RatisMetadataQuorum(QuorumSettings settings) {
    }
}
