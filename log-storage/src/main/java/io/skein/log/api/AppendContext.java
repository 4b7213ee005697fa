package io.skein.log.api;

/**
 * What the caller of {@link PartitionLog#append} knows about an append.
 *
 * @param leaderEpoch the partition leader epoch stamped into every appended batch
 * @param nowMs the wall-clock time used for LogAppendTime and timestamp checks
 */
public record AppendContext(int leaderEpoch, long nowMs) {
}
