package io.skein.log.index;

/**
 * One aborted transaction in a partition, as the {@link TransactionIndex} stores it.
 *
 * @param producerId the transaction's producer
 * @param firstOffset the offset of its first batch
 * @param lastOffset the offset of its ABORT marker
 * @param lastStableOffset the partition's last stable offset once the marker was written (the
 *     first offset of the earliest transaction still open, or {@code lastOffset + 1})
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {
}
