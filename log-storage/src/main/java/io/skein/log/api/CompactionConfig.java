package io.skein.log.api;

import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The topic configs the log cleaner obeys for a compacted log (Kafka's names): how long
 * tombstones stay readable ({@code delete.retention.ms}), how dirty a log must be before it is
 * cleaned ({@code min.cleanable.dirty.ratio}), and how long a record stays uncompacted at least
 * and at most ({@code min.compaction.lag.ms}, {@code max.compaction.lag.ms}). Immutable.
 */
public record CompactionConfig(long deleteRetentionMs, double minCleanableDirtyRatio, long minCompactionLagMs,
                               long maxCompactionLagMs) {

    /** Kafka's defaults. */
    public static final CompactionConfig DEFAULTS = new CompactionConfig(86_400_000L, 0.5, 0L, Long.MAX_VALUE);

    /** Reads the four values from the parsed map {@link TopicConfigs#resolve} returns (defaults for absent ones). */
    static CompactionConfig from(Map<String, Object> resolved) {
        return new CompactionConfig(
                (Long) resolved.getOrDefault(TopicConfig.DELETE_RETENTION_MS_CONFIG, DEFAULTS.deleteRetentionMs),
                (Double) resolved.getOrDefault(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
                        DEFAULTS.minCleanableDirtyRatio),
                (Long) resolved.getOrDefault(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, DEFAULTS.minCompactionLagMs),
                (Long) resolved.getOrDefault(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, DEFAULTS.maxCompactionLagMs));
    }
}
