/**
 * Per-log-directory checkpoint files in Kafka's text format (recovery points, log start offsets).
 * Depends on the JDK and kafka-clients' {@code TopicPartition} only.
 */
package io.skein.log.checkpoint;
