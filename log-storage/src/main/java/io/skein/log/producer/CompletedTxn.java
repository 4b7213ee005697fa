package io.skein.log.producer;

/**
 * A transaction a COMMIT or ABORT marker ended in one partition.
 *
 * @param producerId the transaction's producer
 * @param firstOffset the offset of its first batch in the partition
 * @param lastOffset the offset of the marker
 * @param aborted whether the marker was ABORT
 */
public record CompletedTxn(long producerId, long firstOffset, long lastOffset, boolean aborted) {
}
