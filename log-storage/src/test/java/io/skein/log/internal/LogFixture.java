package io.skein.log.internal;

import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import io.skein.log.api.StorageSettings;
import io.skein.log.api.TopicConfigs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.internal.MemoryRecords;

/** A registry over a temp directory with one partition log, for tests. */
final class LogFixture implements AutoCloseable {

    static final TopicPartition TP = new TopicPartition("orders", 0);
    static final Uuid TOPIC_ID = Uuid.fromString("jTz0PRqPSf2XGwGVFD8K6A");

    final Path dir;
    final StorageSettings settings;
    LogRegistry registry;
    PartitionLog log;

    LogFixture(Path dir, LogConfig config) throws IOException {
        this(StorageSettings.defaults(List.of(dir), config), config);
    }

    /** A fixture whose registry uses {@code settings} (its clock, its intervals); background tasks not started. */
    LogFixture(StorageSettings settings, LogConfig config) throws IOException {
        this.dir = settings.logDirs().get(0);
        this.settings = settings;
        this.registry = LogRegistry.open(settings);
        this.log = registry.getOrCreate(TP, TOPIC_ID, config);
    }

    DiskLogRegistry disk() {
        return (DiskLogRegistry) registry;
    }

    DiskPartitionLog diskLog() {
        return (DiskPartitionLog) log;
    }

    /** Stops without checkpoints or the clean-shutdown marker, as after kill -9, then reopens. */
    void crashAndReopen(LogConfig config, Runnable damage) throws IOException {
        disk().closeAsAfterCrash();
        damage.run();
        registry = LogRegistry.open(settings);
        log = registry.get(TP).orElseThrow();
        log.updateConfig(config);
    }

    static LogConfig config(Map<String, String> overrides) {
        return LogConfig.from(new TopicConfigs().resolve(overrides, Map.of()));
    }

    Path partitionDir() {
        return dir.resolve("orders-0");
    }

    AppendResult append(MemoryRecords records) {
        return log.append(records, new AppendContext(7, settings.clock().millis()));
    }

    /** Reads from {@code offset} with a large limit and copies the bytes (releasing the slice). */
    ByteBuffer readAll(long offset) {
        return read(offset, Integer.MAX_VALUE, false);
    }

    ByteBuffer read(long offset, int maxBytes, boolean minOneBatch) {
        LogReadResult result = log.read(offset, maxBytes, log.highWatermark(), minOneBatch);
        try {
            return result.records().sizeInBytes() == 0 ? ByteBuffer.allocate(0) : result.records().readFully();
        } finally {
            result.records().release();
        }
    }

    /** Closes and reopens the registry, as a broker restart does. */
    void reopen(LogConfig config) throws IOException {
        registry.close();
        registry = LogRegistry.open(new StorageSettings(settings.logDirs(), config, settings.recoveryThreadsPerDir(),
                settings.clock(), settings.flushSchedulerIntervalMs(), settings.recoveryPointCheckpointIntervalMs(),
                settings.startOffsetCheckpointIntervalMs(), settings.retentionCheckIntervalMs()));
        log = registry.get(TP).orElseThrow();
    }

    @Override
    public void close() {
        registry.close();
    }
}
