/**
 * Replication of partition data between brokers: follower fetchers that copy leaders' logs
 * (truncating where their history diverged from the leader's epochs), and the leader's bookkeeping
 * of its followers (high watermark, ISR shrink and expand through the controller's
 * AlterPartition). {@link io.skein.replication.replica.Replicas} is the entry point the broker
 * builds; it sees the broker's partitions only through the API's
 * {@link io.skein.replication.api.HostedReplica}. Depends on {@code api}, {@code interbroker},
 * log-storage's api and kafka-clients.
 */
package io.skein.replication.replica;
