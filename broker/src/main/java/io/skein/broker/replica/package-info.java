/**
 * Replication of partition data between brokers: follower fetchers that copy leaders' logs, and
 * the leader's bookkeeping of its followers (high watermark, ISR shrink and expand through the
 * controller's AlterPartition). Depends on partition, replication's interbroker, config, log-storage's api and
 * replication's api.
 */
package io.skein.broker.replica;
