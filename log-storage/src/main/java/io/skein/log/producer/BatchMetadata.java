package io.skein.log.producer;

/**
 * One appended idempotent batch, remembered to recognise a retry of it.
 *
 * @param firstSeq the batch's base sequence
 * @param lastSeq its last sequence
 * @param firstOffset the offset its first record got
 * @param lastOffset the offset its last record got
 * @param timestamp its max timestamp
 */
public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {
}
