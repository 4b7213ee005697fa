package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.segment.BatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendValidationTest {

    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    private static void assertNothingAppended(LogFixture f) throws IOException {
        assertEquals(0, f.log.logEndOffset());
        assertEquals(0, Files.size(f.partitionDir().resolve("00000000000000000000.log")));
    }

    @Test
    void rejectsCorruptCrcAndAppendsNothingOfTheRequest() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            MemoryRecords good = Batches.batch(3);
            MemoryRecords bad = Batches.batch(3);
            ByteBuffer b = bad.buffer();
            b.put(b.limit() - 1, (byte) (b.get(b.limit() - 1) ^ 0x5a));

            AppendResult result = f.append(Batches.concat(good, bad));

            assertEquals(Errors.CORRUPT_MESSAGE, result.error());
            assertEquals(-1, result.baseOffset());
            assertNothingAppended(f);
        }
    }

    @Test
    void rejectsMagicV1Batches() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            MemoryRecords v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE,
                    new SimpleRecord(System.currentTimeMillis(), Batches.bytes("k"), Batches.bytes("v")));

            AppendResult result = f.append(v1);

            assertEquals(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT, result.error());
            assertNothingAppended(f);
        }
    }

    @Test
    void rejectsBatchLargerThanMaxMessageBytes() throws IOException {
        LogConfig config = LogFixture.config(Map.of("max.message.bytes", "200"));
        try (LogFixture f = new LogFixture(dir, config)) {
            AppendResult result = f.append(Batches.batch(20));

            assertEquals(Errors.MESSAGE_TOO_LARGE, result.error());
            assertTrue(result.errorMessage().contains("exceeds the maximum configured value of 200"));
            assertNothingAppended(f);
        }
    }

    @Test
    void rejectsTimestampsOutsideTheWindowWithRecordErrors() throws IOException {
        LogConfig config = LogFixture.config(Map.of("message.timestamp.before.max.ms", Long.toString(HOUR)));
        try (LogFixture f = new LogFixture(dir, config)) {
            long now = System.currentTimeMillis();

            AppendResult result = f.log.append(Batches.withTimestamps(Compression.NONE, now, now - 2 * HOUR, now,
                    now + 2 * HOUR), new AppendContext(0, now));

            assertEquals(Errors.INVALID_TIMESTAMP, result.error());
            assertEquals(2, result.recordErrors().size());
            assertEquals(1, result.recordErrors().get(0).batchIndex());
            assertEquals(3, result.recordErrors().get(1).batchIndex());
            assertTrue(result.recordErrors().get(0).message().startsWith("Timestamp " + (now - 2 * HOUR)
                    + " of message with offset 1 is out of range."), result.recordErrors().get(0).message());
            assertNothingAppended(f);
        }
    }

    @Test
    void rejectsCompressedBatchWhoseMaxTimestampIsTooFarAhead() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            long now = System.currentTimeMillis();

            AppendResult result = f.log.append(Batches.withTimestamps(Compression.gzip().build(), now, now + 2 * HOUR),
                    new AppendContext(0, now));

            assertEquals(Errors.INVALID_TIMESTAMP, result.error());
            assertEquals(1, result.recordErrors().size());
            assertNothingAppended(f);
        }
    }

    @Test
    void rejectsRecordsWithoutKeyOnCompactedTopics() throws IOException {
        LogConfig config = LogFixture.config(Map.of("cleanup.policy", "compact"));
        try (LogFixture f = new LogFixture(dir, config)) {
            AppendResult result = f.append(Batches.withKeys(Compression.NONE, "a", null, "c"));

            assertEquals(Errors.INVALID_RECORD, result.error());
            assertEquals(1, result.recordErrors().size());
            assertEquals(1, result.recordErrors().get(0).batchIndex());
            assertEquals("Compacted topic cannot accept message without key in topic partition orders-0.",
                    result.recordErrors().get(0).message());
            assertNothingAppended(f);
        }
    }

    @Test
    void rejectsCompressedRecordsWithoutKeyOnCompactedTopics() throws IOException {
        LogConfig config = LogFixture.config(Map.of("cleanup.policy", "compact"));
        try (LogFixture f = new LogFixture(dir, config)) {
            AppendResult result = f.append(Batches.withKeys(Compression.zstd().build(), null, "b"));

            assertEquals(Errors.INVALID_RECORD, result.error());
            assertEquals(0, result.recordErrors().get(0).batchIndex());
            assertNothingAppended(f);
        }
    }

    @Test
    void acceptsKeyedRecordsOnCompactedTopics() throws IOException {
        LogConfig config = LogFixture.config(Map.of("cleanup.policy", "compact"));
        try (LogFixture f = new LogFixture(dir, config)) {
            assertEquals(Errors.NONE, f.append(Batches.withKeys(Compression.NONE, "a", "b")).error());
            assertEquals(Errors.NONE, f.append(Batches.withKeys(Compression.lz4().build(), "a", "b")).error());
            assertEquals(4, f.log.logEndOffset());
        }
    }

    @Test
    void rejectsRecordWithWrongOffsetDelta() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            MemoryRecords records = Batches.withKeys(Compression.NONE, "a", "b");
            ByteBuffer buf = records.buffer();
            // first record: length varint (1 byte), attributes, timestampDelta (0 → 1 byte), offsetDelta
            int firstLength = buf.get(BatchHeader.SIZE) >> 1;
            int second = BatchHeader.SIZE + 1 + firstLength;
            buf.put(second + 3, (byte) 0); // offset delta 1 → 0
            Batches.fixCrc(buf);

            AppendResult result = f.append(records);

            assertEquals(Errors.INVALID_RECORD, result.error(), result.errorMessage());
            assertEquals(1, result.recordErrors().get(0).batchIndex());
            assertNothingAppended(f);
        }
    }

    @Test
    void rejectsBatchDeclaringMoreRecordsThanItHolds() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            MemoryRecords records = Batches.withKeys(Compression.NONE, "a", "b");
            ByteBuffer buf = records.buffer();
            buf.putInt(BatchHeader.RECORD_COUNT, 3);
            buf.putInt(BatchHeader.LAST_OFFSET_DELTA, 2);
            Batches.fixCrc(buf);

            AppendResult result = f.append(records);

            assertEquals(Errors.INVALID_RECORD, result.error());
            assertNothingAppended(f);
        }
    }

    @Test
    void logAppendTimeTopicsStampTheBrokerTime() throws IOException {
        LogConfig config = LogFixture.config(Map.of("message.timestamp.type", "LogAppendTime"));
        try (LogFixture f = new LogFixture(dir, config)) {
            long brokerNow = 1_700_000_000_000L;

            AppendResult result = f.log.append(Batches.batch(Compression.snappy().build(), 5, 3),
                    new AppendContext(0, brokerNow));

            assertEquals(brokerNow, result.logAppendTimeMs());
            RecordBatch batch = Batches.batches(f.readAll(0)).get(0);
            assertEquals(TimestampType.LOG_APPEND_TIME, batch.timestampType());
            assertEquals(brokerNow, batch.maxTimestamp());
            assertTrue(batch.isValid());
            Batches.records(f.readAll(0)).forEach(r -> assertEquals(brokerNow, r.timestamp()));
        }
    }

    @Test
    void emptyRequestAppendsNothingAndSucceeds() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            AppendResult result = f.append(MemoryRecords.EMPTY);

            assertEquals(Errors.NONE, result.error());
            assertNothingAppended(f);
        }
    }
}
