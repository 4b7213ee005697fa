package io.skein.replication.raft;

import java.util.Map;

/**
 * Kafka's automatic preferred-leader rebalance settings, read from the broker's configuration
 * (values were validated at startup; absent keys take Kafka's defaults).
 *
 * @param enabled {@code auto.leader.rebalance.enable} (default true)
 * @param intervalMs {@code leader.imbalance.check.interval.seconds} in ms (default 300 s)
 * @param percentage {@code leader.imbalance.per.broker.percentage} (default 10)
 */
record LeaderRebalanceSettings(boolean enabled, long intervalMs, int percentage) {

    static final String ENABLE = "auto.leader.rebalance.enable";
    static final String INTERVAL_SECONDS = "leader.imbalance.check.interval.seconds";
    static final String PERCENTAGE = "leader.imbalance.per.broker.percentage";

    static LeaderRebalanceSettings from(Map<String, String> config) {
        String enabled = config.getOrDefault(ENABLE, "true").trim();
        long seconds = Long.parseLong(config.getOrDefault(INTERVAL_SECONDS, "300").trim());
        int percentage = Integer.parseInt(config.getOrDefault(PERCENTAGE, "10").trim());
        return new LeaderRebalanceSettings(Boolean.parseBoolean(enabled), Math.max(1, seconds) * 1000, percentage);
    }
}
