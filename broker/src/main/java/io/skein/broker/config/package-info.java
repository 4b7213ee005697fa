/**
 * The broker's configuration: Kafka's {@code server.properties} names, defaults and validation,
 * parsed once at start into an immutable {@link io.skein.broker.config.BrokerConfig}.
 */
package io.skein.broker.config;
