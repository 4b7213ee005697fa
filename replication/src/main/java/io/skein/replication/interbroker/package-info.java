/**
 * Broker-to-broker requests over kafka-clients' own networking on the inter-broker listener: the
 * follower fetches of {@code replica}, and the broker's transaction markers and produce-path
 * transaction verification. The broker builds the listener's connection settings
 * ({@link io.skein.replication.interbroker.InterBrokerClient.Settings}) from its configuration.
 * Depends on the replication API (brokers' endpoints in the metadata image) and kafka-clients only.
 */
package io.skein.replication.interbroker;
