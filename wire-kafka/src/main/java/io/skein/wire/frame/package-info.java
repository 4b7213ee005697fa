/**
 * Kafka framing: the 4-byte size prefix, the request size limit, truncated frames. Depends on
 * Netty only; knows nothing of Kafka messages.
 */
package io.skein.wire.frame;
