/**
 * The broker's side of transactions: writing COMMIT/ABORT markers to the partitions this node
 * leads ({@link io.skein.broker.txn.LocalTransactionMarkers}, for WriteTxnMarkers requests and this
 * node's share of a transaction), routing a transaction's markers to every leader
 * ({@link io.skein.broker.txn.ClusterTransactionMarkers}, for the transaction coordinator), and
 * asking a transaction coordinator on another broker whether a partition is in a producer's
 * transaction ({@link io.skein.broker.txn.RemoteTransactionVerifier}, KIP-890). Depends on
 * log-storage's {@code PartitionLog}, the broker's partition lookup and fetch purgatory, the
 * inter-broker senders, the metadata image, and the coordinator's {@code TransactionMarkers}
 * interface.
 */
package io.skein.broker.txn;
