package io.skein.log.api;

/**
 * An aborted transaction a read_committed fetch is told about (Fetch's {@code aborted_transactions}):
 * the consumer drops the producer's records from {@code firstOffset} up to the ABORT marker.
 */
public record AbortedTransaction(long producerId, long firstOffset) {
}
