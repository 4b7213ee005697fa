/**
 * The public face of the control plane: the Raft metadata quorum ({@link io.skein.replication.api.MetadataQuorum}),
 * the commands brokers submit to the controller, and the immutable {@link io.skein.replication.api.MetadataImage}
 * every node builds by replaying the metadata log. Ratis stays inside this module.
 */
package io.skein.replication.api;
