/**
 * The public face of the control plane: the Raft metadata quorum ({@link io.skein.replication.api.MetadataQuorum}),
 * the commands brokers submit to the controller, and the immutable {@link io.skein.replication.api.MetadataImage}
 * every node builds by replaying the metadata log. Also the seams between the broker and data
 * replication ({@code replica}): the broker's hosted partitions as replication sees them
 * ({@link io.skein.replication.api.HostedReplica}), what it tells replication when an image changes their
 * roles ({@link io.skein.replication.api.ReplicaRoles}) and when a follower fetched
 * ({@link io.skein.replication.api.FollowerFetchListener}). Ratis stays inside this module.
 */
package io.skein.replication.api;
