/**
 * Broker-to-broker requests (follower fetches, transaction markers, produce-path transaction
 * verification) over kafka-clients' own networking on the inter-broker listener. Depends on
 * config, the replication API (brokers' endpoints in the metadata image) and kafka-clients only.
 */
package io.skein.broker.interbroker;
