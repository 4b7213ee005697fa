/**
 * Per-partition state of idempotent producers: epochs and the last five batches' sequence
 * numbers and offsets, used to recognise retried duplicates and to reject gaps and fenced epochs.
 * Producer-state snapshots will live here. Depends on kafka-clients' {@code Errors} only.
 */
package io.skein.log.producer;
