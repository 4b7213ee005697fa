/**
 * The transaction coordinator, for transactions versions 0/1 and 2 (KIP-890): the transaction
 * state machine, the record formats of the internal topic {@code __transaction_state}, laid out as Kafka
 * lays them out, and the coordinator the broker wires to its transaction APIs. Markers are written
 * through {@link io.skein.coordinator.transaction.TransactionMarkers}, which the broker implements.
 */
package io.skein.coordinator.transaction;
