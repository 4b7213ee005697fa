package io.skein.log.api;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Broker-level storage settings (Kafka's names in brackets).
 *
 * @param logDirs the log directories ({@code log.dirs})
 * @param defaultConfig the config of partitions loaded from disk until the metadata image supplies theirs
 * @param recoveryThreadsPerDir threads per directory loading logs at start ({@code num.recovery.threads.per.data.dir})
 * @param clock time for retention, {@code segment.ms} and {@code flush.ms}; tests pass their own
 * @param flushSchedulerIntervalMs how often logs are checked for {@code flush.ms}
 *     ({@code log.flush.scheduler.interval.ms}; {@code Long.MAX_VALUE}: never)
 * @param recoveryPointCheckpointIntervalMs {@code log.flush.offset.checkpoint.interval.ms}
 * @param startOffsetCheckpointIntervalMs {@code log.flush.start.offset.checkpoint.interval.ms}
 * @param retentionCheckIntervalMs {@code log.retention.check.interval.ms}
 */
public record StorageSettings(
        List<Path> logDirs,
        LogConfig defaultConfig,
        int recoveryThreadsPerDir,
        Clock clock,
        long flushSchedulerIntervalMs,
        long recoveryPointCheckpointIntervalMs,
        long startOffsetCheckpointIntervalMs,
        long retentionCheckIntervalMs) {

    /** Kafka's defaults for everything but the directories and the default topic config. */
    public static StorageSettings defaults(List<Path> logDirs, LogConfig defaultConfig) {
        return new StorageSettings(logDirs, defaultConfig, 1, Clock.systemUTC(), Long.MAX_VALUE, 60_000L, 60_000L,
                300_000L);
    }

    public StorageSettings withClock(Clock newClock) {
        return new StorageSettings(logDirs, defaultConfig, recoveryThreadsPerDir, newClock, flushSchedulerIntervalMs,
                recoveryPointCheckpointIntervalMs, startOffsetCheckpointIntervalMs, retentionCheckIntervalMs);
    }
}
