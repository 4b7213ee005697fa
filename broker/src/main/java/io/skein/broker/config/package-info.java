/**
 * The broker's configuration: Kafka's {@code server.properties} names, defaults and validation,
 * parsed once at start into an immutable {@link io.skein.broker.config.BrokerConfig}, and read
 * from it into the settings records of the components the broker wires
 * ({@link io.skein.broker.config.ComponentSettings}, {@link io.skein.broker.config.ControllerTls}).
 */
package io.skein.broker.config;
