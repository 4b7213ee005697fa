package io.skein.coordinator.group;

/**
 * The group coordinator's settings, with the Kafka broker config each comes from.
 *
 * @param minSessionTimeoutMs {@code group.min.session.timeout.ms}
 * @param maxSessionTimeoutMs {@code group.max.session.timeout.ms}
 * @param initialRebalanceDelayMs {@code group.initial.rebalance.delay.ms}
 * @param maxSize {@code group.max.size}
 * @param offsetsRetentionMs {@code offsets.retention.minutes}, in milliseconds
 * @param offsetsRetentionCheckIntervalMs {@code offsets.retention.check.interval.ms}
 * @param offsetMetadataMaxBytes {@code offset.metadata.max.bytes}
 * @param loadBufferBytes {@code offsets.load.buffer.size}: bytes read at a time when loading a partition
 * @param consumerSessionTimeoutMs {@code group.consumer.session.timeout.ms} (consumer-protocol groups)
 * @param consumerHeartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms}
 * @param consumerMaxSize {@code group.consumer.max.size}
 */
public record GroupConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs, int maxSize,
                          long offsetsRetentionMs, long offsetsRetentionCheckIntervalMs, int offsetMetadataMaxBytes,
                          int loadBufferBytes, int consumerSessionTimeoutMs, int consumerHeartbeatIntervalMs,
                          int consumerMaxSize) {

    /** Kafka's defaults. */
    public static GroupConfig defaults() {
        return new GroupConfig(6_000, 1_800_000, 3_000, Integer.MAX_VALUE, 7L * 24 * 60 * 60 * 1000, 600_000L,
                4096, 5 * 1024 * 1024, 45_000, 5_000, Integer.MAX_VALUE);
    }
}
