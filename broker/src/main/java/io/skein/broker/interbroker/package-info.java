/**
 * Broker-to-broker requests (follower fetches, later transaction markers) over kafka-clients' own
 * networking on the inter-broker listener. Depends on config and kafka-clients only.
 */
package io.skein.broker.interbroker;
