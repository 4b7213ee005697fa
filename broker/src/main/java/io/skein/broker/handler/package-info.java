/**
 * One request handler per API family, registered in the wire server's handler registry. Handlers
 * see decoded kafka-clients messages, never Netty types, and map outcomes to Kafka's error codes.
 * Every authorization check goes through {@link io.skein.broker.handler.Authorization}, which
 * allows everything when no authorizer is configured.
 */
package io.skein.broker.handler;
