/**
 * The public face of the Kafka wire edge: the Netty server ({@link io.skein.wire.api.KafkaWireServer}),
 * the handler registry from which ApiVersions is computed, and the types handlers exchange with it.
 * Handlers see decoded kafka-clients messages, never Netty types. Netty stays inside this module.
 */
package io.skein.wire.api;
