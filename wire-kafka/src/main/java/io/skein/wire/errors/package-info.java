/**
 * Error mapping for the wire edge: handler failures become Kafka error responses in one place,
 * connection-level exceptions end the connection with one log line. Depends on the api package,
 * Netty and kafka-clients only.
 */
package io.skein.wire.errors;
