package io.skein.log.api;

/** A batch timestamp and the offset it belongs to, as ListOffsets reports it. */
public record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {
}
