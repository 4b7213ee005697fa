package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.LogConfig;
import io.skein.log.segment.BatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {

    @TempDir
    Path dir;

    @Test
    void reopenKeepsTheLogEndOffsetAndContent() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults().withSegmentBytes(4096))) {
            for (int i = 0; i < 30; i++) {
                f.append(Batches.batch(4));
            }
            byte[] before = Batches.bytesOf(MemoryRecords.readableRecords(f.readAll(0)));

            f.reopen(LogConfig.defaults().withSegmentBytes(4096));

            assertEquals(120, f.log.logEndOffset());
            assertArrayEquals(before, Batches.bytesOf(MemoryRecords.readableRecords(f.readAll(0))));
            assertEquals(120, f.append(Batches.batch(1)).baseOffset());
        }
    }

    @Test
    void truncatesATornBatchAtTheTailAndKeepsAppending() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.batch(5));
            f.registry.close();
            Path logFile = f.partitionDir().resolve("00000000000000000000.log");
            long goodSize = Files.size(logFile);
            byte[] next = Batches.bytesOf(Batches.batch(5));
            try (var ch = Files.newByteChannel(logFile, StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap(next, 0, next.length - 10)); // length field points past the end
            }

            f.reopen(LogConfig.defaults());

            assertEquals(goodSize, Files.size(logFile));
            assertEquals(5, f.log.logEndOffset());
            assertEquals(5, f.append(Batches.batch(2)).baseOffset());
            List<Record> records = Batches.records(f.readAll(0));
            assertEquals(7, records.size());
            assertEquals(6, records.get(6).offset());
        }
    }

    @Test
    void truncatesFromACorruptBatchAfterAnUncleanShutdown() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.batch(5));
            long firstBatchEnd = Files.size(f.partitionDir().resolve("00000000000000000000.log"));
            f.append(Batches.batch(5));
            f.append(Batches.batch(5));
            f.registry.close();
            Path logFile = f.partitionDir().resolve("00000000000000000000.log");
            try (var ch = java.nio.channels.FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long inSecondBatch = firstBatchEnd + BatchHeader.SIZE + 3;
                ByteBuffer b = ByteBuffer.allocate(1);
                ch.read(b, inSecondBatch);
                b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
                ch.write(b, inSecondBatch);
            }
            Files.delete(dir.resolve(LogDirectory.CLEAN_SHUTDOWN_FILE)); // as after kill -9

            f.reopen(LogConfig.defaults());

            assertEquals(firstBatchEnd, Files.size(logFile));
            assertEquals(5, f.log.logEndOffset());
            assertEquals(5, f.append(Batches.batch(1)).baseOffset());
            assertEquals(6, Batches.records(f.readAll(0)).size());
        }
    }

    @Test
    void truncatesATailShorterThanABatchHeader() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.batch(5));
            f.registry.close();
            Path logFile = f.partitionDir().resolve("00000000000000000000.log");
            long goodSize = Files.size(logFile);
            ByteBuffer junk = ByteBuffer.allocate(BatchHeader.SIZE + 8);
            junk.putLong(5).putInt(10); // a length below the minimal batch size
            try (var ch = Files.newByteChannel(logFile, StandardOpenOption.APPEND)) {
                ch.write(junk.flip());
            }

            f.reopen(LogConfig.defaults());

            assertEquals(goodSize, Files.size(logFile));
            assertEquals(Errors.NONE, f.append(Batches.batch(1)).error());
            assertEquals(6, f.log.logEndOffset());
        }
    }

    @Test
    void rebuildsALostIndexOfARolledSegment() throws IOException {
        LogConfig config = LogFixture.config(java.util.Map.of("index.interval.bytes", "100")).withSegmentBytes(4096);
        try (LogFixture f = new LogFixture(dir, config)) {
            for (int i = 0; i < 30; i++) {
                f.append(Batches.batch(4));
            }
            f.registry.close();
            Path index = f.partitionDir().resolve("00000000000000000000.index");
            Files.delete(index);

            f.reopen(config);

            assertTrue(Files.size(index) > 0);
            assertEquals(20, Batches.batches(f.read(21, 1, true)).get(0).baseOffset());
            assertEquals(120, f.log.logEndOffset());
        }
    }

    @Test
    void trimsTheActiveIndexOnClose() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.batch(5));
            Path index = f.partitionDir().resolve("00000000000000000000.index");
            assertEquals(LogConfig.defaults().segmentIndexBytes(), Files.size(index));

            f.registry.close();

            assertEquals(8, Files.size(index));
        }
    }
}
