/**
 * What the coordinators share about their internal-topic partitions: the byte-level record
 * encoding, the partition log they append to and replay ({@code CoordinatorLog}), and how they
 * learn that an append is replicated ({@code ReplicationAwait}, implemented by the broker; this
 * package depends on log-storage's API only).
 */
package io.skein.coordinator.records;
