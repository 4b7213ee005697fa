package io.skein.coordinator.group;

/**
 * One committed offset, as OffsetFetch returns it.
 *
 * @param metadata the client's metadata string, returned byte for byte (never null once stored)
 * @param commitTimestampMs when the coordinator accepted the commit (drives offset expiry)
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
}
