package io.skein.log.internal;

import io.skein.log.api.AppendContext;
import io.skein.log.api.LogConfig;
import io.skein.log.api.StorageSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Not a test (surefire skips it): appends {@code totalMiB} of {@code batchKiB} batches to one log,
 * forces it, stops as after kill -9 with no recovery point, and times the recovery on reopen.
 * Run with the test classpath: {@code java -cp ... io.skein.log.internal.StorageBenchmark DIR 1024 16}.
 */
public final class StorageBenchmark {

    private StorageBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long totalBytes = Long.parseLong(args[1]) << 20;
        int batchBytes = Integer.parseInt(args[2]) << 10;
        LogConfig config = LogConfig.defaults();
        byte[] value = new byte[1024];
        new Random(1).nextBytes(value);
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(batchBytes + 4096),
                RecordBatch.MAGIC_VALUE_V2, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        while (builder.estimatedSizeInBytes() + 1100 < batchBytes) {
            builder.append(System.currentTimeMillis(), null, value);
        }
        byte[] batch = Batches.bytesOf(builder.build());
        DiskLogRegistry registry = DiskLogRegistry.open(StorageSettings.defaults(List.of(dir), config));
        var log = registry.getOrCreate(LogFixture.TP, LogFixture.TOPIC_ID, config);
        long start = System.nanoTime();
        long written = 0;
        while (written < totalBytes) {
            log.append(MemoryRecords.readableRecords(ByteBuffer.wrap(batch.clone())),
                    new AppendContext(0, System.currentTimeMillis()));
            written += batch.length;
        }
        log.flush();
        double appendS = (System.nanoTime() - start) / 1e9;
        System.out.printf("append+fsync: %d MiB in %.2f s = %.1f MiB/s (batches of %d bytes)%n", written >> 20,
                appendS, (written >> 20) / appendS, batch.length);
        registry.closeAsAfterCrash();
        Files.delete(dir.resolve("recovery-point-offset-checkpoint")); // recover every segment
        start = System.nanoTime();
        DiskLogRegistry reopened = DiskLogRegistry.open(StorageSettings.defaults(List.of(dir), config));
        double recoverS = (System.nanoTime() - start) / 1e9;
        System.out.printf("unclean recovery of %d MiB: %.2f s = %.1f MiB/s; log end offset %d%n", written >> 20,
                recoverS, (written >> 20) / recoverS, reopened.get(LogFixture.TP).orElseThrow().logEndOffset());
        reopened.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
