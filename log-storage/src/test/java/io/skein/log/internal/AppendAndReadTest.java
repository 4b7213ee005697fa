package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.LogSlice;
import io.skein.log.api.OffsetOutOfRangeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AppendAndReadTest {

    @TempDir
    Path dir;

    static Stream<Compression> compressions() {
        return Stream.of(Compression.NONE, Compression.gzip().build(), Compression.snappy().build(),
                Compression.lz4().build(), Compression.zstd().build());
    }

    @ParameterizedTest
    @MethodSource("compressions")
    void readsBackAppendedBatchesByteIdentical(Compression compression) throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            MemoryRecords first = Batches.batch(compression, System.currentTimeMillis(), 10);
            MemoryRecords second = Batches.batch(compression, System.currentTimeMillis(), 3);
            f.append(first);
            f.append(second);

            ByteBuffer read = f.readAll(0);

            byte[] expected = ByteBuffer.allocate(first.sizeInBytes() + second.sizeInBytes())
                    .put(Batches.bytesOf(first)).put(Batches.bytesOf(second)).array();
            assertArrayEquals(expected, Batches.bytesOf(MemoryRecords.readableRecords(read)));
            List<Record> records = Batches.records(read.duplicate());
            assertEquals(13, records.size());
            Record r = records.get(4);
            assertEquals(4, r.offset());
            assertEquals(ByteBuffer.wrap(Batches.bytes("key-4")), r.key());
            Header[] headers = r.headers();
            assertEquals("h4", headers[0].key());
            assertEquals(compression.type(), Batches.batches(read).get(0).compressionType());
        }
    }

    @Test
    void assignsDenseOffsetsAcrossBatchesAndRequests() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            AppendResult a = f.append(Batches.batch(5));
            AppendResult b = f.append(Batches.concat(Batches.batch(2), Batches.batch(3)));

            assertEquals(0, a.baseOffset());
            assertEquals(4, a.lastOffset());
            assertEquals(5, b.baseOffset());
            assertEquals(9, b.lastOffset());
            assertEquals(10, f.log.logEndOffset());
            List<RecordBatch> batches = Batches.batches(f.readAll(0));
            assertEquals(List.of(0L, 5L, 7L), batches.stream().map(RecordBatch::baseOffset).toList());
            assertEquals(7, batches.get(1).partitionLeaderEpoch());
            long expected = 0;
            for (Record r : Batches.records(f.readAll(0))) {
                assertEquals(expected++, r.offset());
            }
        }
    }

    @Test
    void fetchFromInsideABatchReturnsTheWholeBatch() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.batch(5));
            f.append(Batches.batch(5));

            List<RecordBatch> batches = Batches.batches(f.readAll(7));

            assertEquals(1, batches.size());
            assertEquals(5, batches.get(0).baseOffset());
            assertEquals(9, batches.get(0).lastOffset());
        }
    }

    @Test
    void maxBytesCutsTheSliceMidBatch() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.batch(20));
            f.append(Batches.batch(20));

            ByteBuffer read = f.read(0, 100, false);

            assertEquals(100, read.remaining());
            assertEquals(0, Batches.batches(read).size()); // the partial batch is dropped by clients
        }
    }

    @Test
    void minOneBatchReturnsTheWholeFirstBatchEvenWhenLargerThanMaxBytes() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            MemoryRecords first = Batches.batch(20);
            f.append(first);
            f.append(Batches.batch(20));

            ByteBuffer read = f.read(0, 100, true);

            assertEquals(first.sizeInBytes(), read.remaining());
            assertEquals(1, Batches.batches(read).size());
        }
    }

    @Test
    void readStopsBeforeTheBatchHoldingMaxOffsetExclusive() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            MemoryRecords first = Batches.batch(5);
            f.append(first);
            f.append(Batches.batch(5));

            LogReadResult result = f.log.read(0, Integer.MAX_VALUE, 5, false);

            assertEquals(first.sizeInBytes(), result.records().sizeInBytes());
            result.records().release();
            assertEquals(LogSlice.EMPTY, f.log.read(5, Integer.MAX_VALUE, 5, false).records());
        }
    }

    @Test
    void readAtTheLogEndIsEmptyAndPastItIsOutOfRange() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.batch(3));

            assertEquals(LogSlice.EMPTY, f.log.read(3, 1000, Long.MAX_VALUE, true).records());
            assertThrows(OffsetOutOfRangeException.class, () -> f.log.read(4, 1000, Long.MAX_VALUE, true));
            assertThrows(OffsetOutOfRangeException.class, () -> f.log.read(-1, 1000, Long.MAX_VALUE, true));
        }
    }

    @Test
    void rollsAtSegmentBytesAndReadsAcrossSegments() throws IOException {
        LogConfig small = LogConfig.defaults().withSegmentBytes(2048);
        try (LogFixture f = new LogFixture(dir, small)) {
            for (int i = 0; i < 40; i++) {
                f.append(Batches.batch(5));
            }

            List<Path> logs;
            try (Stream<Path> files = Files.list(f.partitionDir())) {
                logs = files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
            }

            assertTrue(logs.size() > 3, "expected several segments, got " + logs);
            assertEquals("00000000000000000000.log", logs.get(0).getFileName().toString());
            for (Path p : logs) {
                assertTrue(Files.size(p) <= 2048, p + " is larger than segment.bytes");
            }
            for (long offset = 0; offset < 200; offset += 7) {
                RecordBatch batch = Batches.batches(f.read(offset, 1, true)).get(0);
                assertTrue(batch.baseOffset() <= offset && offset <= batch.lastOffset(), "offset " + offset);
            }
            long expected = 0;
            long next = 0;
            while (next < f.log.logEndOffset()) {
                for (Record r : Batches.records(f.readAll(next))) {
                    assertEquals(expected++, r.offset());
                }
                next = expected;
            }
            assertEquals(200, expected);
        }
    }

    @Test
    void indexIsSparseAndLookupsStillFindEveryBatch() throws IOException {
        LogConfig config = LogFixture.config(java.util.Map.of("index.interval.bytes", "500"));
        try (LogFixture f = new LogFixture(dir, config)) {
            for (int i = 0; i < 50; i++) {
                f.append(Batches.batch(3));
            }
            f.log.close();
            long indexBytes = Files.size(f.partitionDir().resolve("00000000000000000000.index"));
            long logBytes = Files.size(f.partitionDir().resolve("00000000000000000000.log"));

            assertTrue(indexBytes > 8 && indexBytes < 50 * 8, "index of " + indexBytes + " bytes");
            assertEquals(0, indexBytes % 8);
            f.reopen(config);
            for (long offset = 0; offset < 150; offset += 11) {
                assertEquals(offset / 3 * 3, Batches.batches(f.read(offset, 1, true)).get(0).baseOffset());
            }
            assertEquals(logBytes, Files.size(f.partitionDir().resolve("00000000000000000000.log")));
        }
    }

    @Test
    void aHeldSliceStaysReadableAfterTheLogIsClosed() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.batch(3));
            LogSlice slice = f.log.read(0, 1000, Long.MAX_VALUE, false).records();

            f.log.close();

            assertEquals(3, Batches.records(slice.readFully()).size());
            slice.release();
            slice.release();
            assertTrue(!slice.channel().isOpen());
        }
    }
}
