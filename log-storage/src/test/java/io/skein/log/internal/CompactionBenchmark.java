package io.skein.log.internal;

import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.api.PartitionLog;
import io.skein.log.api.StorageSettings;
import io.skein.log.compaction.CleanerSettings;
import io.skein.log.compaction.CleanerStats;
import io.skein.log.compaction.LogCleaner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;

/**
 * Not a test (surefire skips it): writes a compacted log with {@code keysMillions} million
 * distinct 8-byte keys (16-byte values, batches of 1000 records, 1 GiB segments), then rewrites
 * every {@code 1/rewriteEvery}-th key once more, rolls, and times one cleaning of the whole log:
 * MB/s of dirty log and keys/s, with the two passes apart. Run with a small heap to see the key
 * map is not on it:
 * {@code java -Xmx512m -cp ... io.skein.log.internal.CompactionBenchmark DIR 100 5 [mapMemoryMiB=128]}.
 * Deletes DIR's contents at the end.
 */
public final class CompactionBenchmark {

    private static final int BATCH = 1000;

    private CompactionBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long keys = Long.parseLong(args[1]) * 1_000_000L;
        int rewriteEvery = Integer.parseInt(args[2]);
        long mapMemoryBytes = (args.length > 3 ? Long.parseLong(args[3]) : 128) << 20;
        MutableClock clock = new MutableClock(System.currentTimeMillis());
        LogConfig config = LogFixture.config(Map.of("cleanup.policy", "compact", "file.delete.delay.ms", "0"));
        DiskLogRegistry registry = DiskLogRegistry.open(StorageSettings.defaults(List.of(dir), config)
                .withClock(clock));
        PartitionLog log = registry.getOrCreate(LogFixture.TP, LogFixture.TOPIC_ID, config);
        long start = System.nanoTime();
        ByteBuffer buffer = ByteBuffer.allocate(BATCH * 64 + 1024);
        byte[] value = new byte[16];
        long written = 0;
        for (long k = 0; k < keys; k += BATCH) {
            written += appendBatch(log, buffer, clock, k, Math.min(BATCH, keys - k), 1, value);
        }
        for (long k = 0; k < keys; k += (long) BATCH * rewriteEvery) {
            written += appendBatch(log, buffer, clock, k, Math.min(BATCH, (keys - k + rewriteEvery - 1) / rewriteEvery),
                    rewriteEvery, value);
        }
        clock.advance(config.segmentMs() + 1);
        ((DiskPartitionLog) log).deleteOldSegments(); // rolls the active segment (segment.ms passed): all is cleanable
        double appendS = (System.nanoTime() - start) / 1e9;
        long bytes = ((DiskPartitionLog) log).segments().sizeInBytes();
        System.out.printf("wrote %d records (%d distinct keys), %.1f MiB in %.1f s%n", written, keys,
                bytes / 1048576.0, appendS);
        try (LogCleaner cleaner = registry.newCleaner(new CleanerSettings(false, 1, 1000, Double.MAX_VALUE, mapMemoryBytes))) {
            cleaner.start();
            Runtime rt = Runtime.getRuntime();
            CleanerStats s = cleaner.cleanOnce();
            double total = s.totalNanos() / 1e9;
            double map = s.mapNanos() / 1e9;
            System.out.printf("cleaned %.1f MiB dirty (%d records) into %.1f MiB (%d records) in %.1f s: %.1f MB/s of "
                            + "dirty log, %.2f M keys/s, %.2f M records/s; pass 1 (key map) %.1f s, pass 2 (rewrite+swap) "
                            + "%.1f s; %d keys mapped; heap max %d MiB, used now %d MiB%n",
                    s.dirtyBytes() / 1048576.0, s.recordsRead(), s.bytesWritten() / 1048576.0, s.recordsRetained(),
                    total, s.dirtyBytes() / 1e6 / total, s.keysMapped() / 1e6 / total, s.recordsRead() / 1e6 / total,
                    map, total - map, s.keysMapped(), rt.maxMemory() >> 20, (rt.totalMemory() - rt.freeMemory()) >> 20);
            if (s.recordsRetained() != keys) {
                throw new AssertionError("expected " + keys + " records after cleaning, got " + s.recordsRetained());
            }
        }
        registry.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }

    /** One batch of {@code count} records with keys {@code first, first + step, ...}; returns the records written. */
    private static long appendBatch(PartitionLog log, ByteBuffer buffer, MutableClock clock, long first, long count,
                                    int step, byte[] value) {
        buffer.clear();
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        long now = clock.millis();
        byte[] key = new byte[8];
        for (long i = 0; i < count; i++) {
            ByteBuffer.wrap(key).putLong(first + i * step);
            ByteBuffer.wrap(value).putLong(first + i * step).putLong(now);
            builder.append(now, key, value);
        }
        AppendResult r = log.append(builder.build(), new AppendContext(0, now));
        if (r.error() != Errors.NONE) {
            throw new IllegalStateException(r.errorMessage());
        }
        return count;
    }
}
