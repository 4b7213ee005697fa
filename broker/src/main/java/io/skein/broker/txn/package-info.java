/**
 * The broker's side of transactions on the partitions it leads: writing COMMIT/ABORT markers
 * ({@link io.skein.broker.txn.LocalTransactionMarkers}, for the local transaction coordinator and
 * for WriteTxnMarkers requests). Depends on log-storage's {@code PartitionLog}, the broker's
 * partition lookup and fetch purgatory, and the coordinator's {@code TransactionMarkers} interface.
 */
package io.skein.broker.txn;
