/**
 * Per-partition state of idempotent and transactional producers: epochs and the last five
 * batches' sequence numbers and offsets, used to recognise retried duplicates and to reject gaps
 * and fenced epochs, and each producer's open transaction and last marker's coordinator epoch.
 * (Its snapshot file is {@code internal.ProducerSnapshotFile}.) Depends on kafka-clients'
 * {@code Errors} only.
 */
package io.skein.log.producer;
