package io.skein.log.api;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;

/**
 * The topic configuration one partition log obeys, resolved from topic overrides, broker
 * defaults and Kafka's defaults (see {@link TopicConfigs#resolve}). Immutable; a live change
 * replaces the whole value through {@link PartitionLog#updateConfig}.
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        int segmentIndexBytes,
        int indexIntervalBytes,
        int maxMessageBytes,
        TimestampType timestampType,
        long timestampBeforeMaxMs,
        long timestampAfterMaxMs,
        boolean compact,
        boolean delete,
        long retentionMs,
        long retentionBytes,
        long flushMessages,
        long flushMs,
        String compressionType,
        long segmentJitterMs,
        long fileDeleteDelayMs,
        CompactionConfig compaction) {

    /** Kafka's defaults, as a broker with an empty server.properties would use them. */
    public static LogConfig defaults() {
        return from(new TopicConfigs().resolve(Map.of(), Map.of()));
    }

    /** Builds the config from the parsed map {@link TopicConfigs#resolve} returns. */
    public static LogConfig from(Map<String, Object> resolved) {
        @SuppressWarnings("unchecked")
        List<String> policy = (List<String>) resolved.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        return new LogConfig(
                (Integer) resolved.get(TopicConfig.SEGMENT_BYTES_CONFIG),
                (Long) resolved.get(TopicConfig.SEGMENT_MS_CONFIG),
                (Integer) resolved.get(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG),
                (Integer) resolved.get(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG),
                (Integer) resolved.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG),
                "LogAppendTime".equals(resolved.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG))
                        ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
                (Long) resolved.get(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG),
                (Long) resolved.get(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG),
                policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT),
                policy.contains(TopicConfig.CLEANUP_POLICY_DELETE),
                (Long) resolved.get(TopicConfig.RETENTION_MS_CONFIG),
                (Long) resolved.get(TopicConfig.RETENTION_BYTES_CONFIG),
                (Long) resolved.get(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG),
                (Long) resolved.get(TopicConfig.FLUSH_MS_CONFIG),
                (String) resolved.get(TopicConfig.COMPRESSION_TYPE_CONFIG),
                (Long) resolved.get(TopicConfig.SEGMENT_JITTER_MS_CONFIG),
                (Long) resolved.get(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG),
                CompactionConfig.from(resolved));
    }

    /** A copy with a different segment size; for tests that need small segments. */
    public LogConfig withSegmentBytes(int bytes) {
        return new LogConfig(bytes, segmentMs, segmentIndexBytes, indexIntervalBytes, maxMessageBytes, timestampType,
                timestampBeforeMaxMs, timestampAfterMaxMs, compact, delete, retentionMs, retentionBytes,
                flushMessages, flushMs, compressionType, segmentJitterMs, fileDeleteDelayMs, compaction);
    }

    /** A copy with other compaction settings; for tests. */
    public LogConfig withCompaction(CompactionConfig newCompaction) {
        return new LogConfig(segmentBytes, segmentMs, segmentIndexBytes, indexIntervalBytes, maxMessageBytes,
                timestampType, timestampBeforeMaxMs, timestampAfterMaxMs, compact, delete, retentionMs, retentionBytes,
                flushMessages, flushMs, compressionType, segmentJitterMs, fileDeleteDelayMs, newCompaction);
    }
}
