/**
 * Metadata records (our own versioned binary format with a CRC-32C per log entry), the codec of
 * controller commands and replies, and the immutable image built by replaying records. Pure: no
 * I/O and no Ratis. Depends on {@code api} and kafka-clients' common types only ({@code Uuid},
 * {@code Errors}, {@code TopicPartition}, {@code ElectionType}, ACL bindings).
 */
package io.skein.replication.metadata;
