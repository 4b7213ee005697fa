package io.skein.log.internal;

import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
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
    LogRegistry registry;
    PartitionLog log;

    LogFixture(Path dir, LogConfig config) throws IOException {
        this.dir = dir;
        this.registry = LogRegistry.open(List.of(dir), config);
        this.log = registry.getOrCreate(TP, TOPIC_ID, config);
    }

    static LogConfig config(Map<String, String> overrides) {
        return LogConfig.from(new TopicConfigs().resolve(overrides, Map.of()));
    }

    Path partitionDir() {
        return dir.resolve("orders-0");
    }

    AppendResult append(MemoryRecords records) {
        return log.append(records, new AppendContext(7, System.currentTimeMillis()));
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
        registry = LogRegistry.open(List.of(dir), config);
        log = registry.get(TP).orElseThrow();
    }

    @Override
    public void close() {
        registry.close();
    }
}
