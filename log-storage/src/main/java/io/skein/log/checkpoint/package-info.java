/**
 * Per-log-directory offset checkpoint files in Kafka's text format (recovery points, log start
 * offsets, high watermarks), the text framing other checkpoints share, and atomic whole-file
 * writes. Depends on the JDK and kafka-clients' {@code TopicPartition} only.
 */
package io.skein.log.checkpoint;
