package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.LogSlice;
import io.skein.log.api.StorageSettings;
import io.skein.log.compaction.CleanerSettings;
import io.skein.log.compaction.CleanerStats;
import io.skein.log.compaction.LogCleaner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The log cleaner on a real log: many versions per key, tombstones, swaps, readers, crashes. */
class LogCleanerTest {

    private static final long HOUR = 3_600_000L;
    private static final int KEYS = 40;
    private static final int VERSIONS = 8;
    private static final int DELETED = 10;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(1_700_000_000_000L);

    /** What the log should say per key after cleaning: latest offset and value (null for a tombstone). */
    private final Map<String, Long> latestOffset = new HashMap<>();
    private final Map<String, String> latestValue = new HashMap<>();

    private static LogConfig config() {
        return LogFixture.config(Map.of("cleanup.policy", "compact", "min.cleanable.dirty.ratio", "0.01",
                "delete.retention.ms", String.valueOf(HOUR), "file.delete.delay.ms", "0")).withSegmentBytes(1024);
    }

    private LogFixture fixture(Path logDir) throws IOException {
        return new LogFixture(StorageSettings.defaults(List.of(logDir), config()).withClock(clock), config());
    }

    private static LogCleaner cleaner(LogFixture f) {
        LogCleaner cleaner = f.registry.newCleaner(new CleanerSettings(false, 1, 10, Double.MAX_VALUE, 1 << 20));
        cleaner.start();
        return cleaner;
    }

    /** Appends one batch of (key, value) pairs (null value: tombstone) stamped with the clock, recording the model. */
    private void append(LogFixture f, Compression compression, String... keyValues) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(4096), compression,
                TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < keyValues.length; i += 2) {
            String value = keyValues[i + 1];
            builder.append(clock.millis(), bytes(keyValues[i]), value == null ? null : bytes(value));
        }
        AppendResult r = f.append(builder.build());
        assertEquals(Errors.NONE, r.error(), r.errorMessage());
        for (int i = 0; i < keyValues.length; i += 2) {
            latestOffset.put(keyValues[i], r.baseOffset() + i / 2);
            latestValue.put(keyValues[i], keyValues[i + 1]);
        }
    }

    /** KEYS keys with VERSIONS versions each (in batches of 4 records), then tombstones for the first DELETED. */
    private void appendVersionsAndTombstones(LogFixture f, Compression compression) {
        for (int v = 0; v < VERSIONS; v++) {
            for (int k = 0; k < KEYS; k += 4) {
                List<String> kv = new ArrayList<>();
                for (int j = k; j < k + 4; j++) {
                    kv.add("key-" + j);
                    kv.add("value-" + j + "-v" + v);
                }
                append(f, compression, kv.toArray(new String[0]));
            }
        }
        for (int k = 0; k < DELETED; k++) {
            append(f, compression, "key-" + k, null);
        }
    }

    /** Unique keys until the segment rolls, so everything before is cleanable. */
    private void rollWithFiller(LogFixture f, String prefix) {
        long activeBase = f.diskLog().segments().active().baseOffset();
        for (int i = 0; f.diskLog().segments().active().baseOffset() == activeBase; i++) {
            append(f, Compression.NONE, prefix + i, "filler");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "lz4"})
    void keepsTheLatestRecordPerKeyAtItsOffsetAndTombstonesUntilDeleteRetention(String codec) throws IOException {
        Compression compression = codec.equals("none") ? Compression.NONE : Compression.lz4().build();
        try (LogFixture f = fixture(dir)) {
            appendVersionsAndTombstones(f, compression);
            rollWithFiller(f, "filler-");
            long end = f.log.logEndOffset();
            long bytesBefore = f.diskLog().segments().sizeInBytes();
            try (LogCleaner cleaner = cleaner(f)) {
                CleanerStats stats = cleaner.cleanOnce();

                assertNotNull(stats);
                assertTrue(f.diskLog().segments().sizeInBytes() < bytesBefore / 3, "the log shrank");
                Map<String, Record> byKey = onePerKey(readAll(f));
                for (int k = 0; k < KEYS; k++) {
                    String key = "key-" + k;
                    Record r = byKey.get(key);
                    assertNotNull(r, key);
                    assertEquals(latestOffset.get(key), r.offset(), "offset of " + key);
                    assertEquals(latestValue.get(key), valueOf(r), key); // null: the tombstone is kept
                }
                assertEquals(end, f.log.logEndOffset());
                assertEquals(stats.recordsRetained(), byKey.size() - activeRecords(f));
                List<io.skein.log.segment.LogSegment> segs = new ArrayList<>(f.diskLog().segments().all());
                for (int i = 0; i + 1 < segs.size(); i++) {
                    assertEquals(segs.get(i + 1).baseOffset() - 1, segs.get(i).lastOffset(),
                            "a cleaned segment keeps its last batch (empty if need be), so it says where it ends");
                }
            }
        }
    }

    @Test
    void dropsTombstonesAndDeletedKeysOnceDeleteRetentionPassed() throws IOException {
        try (LogFixture f = fixture(dir)) {
            appendVersionsAndTombstones(f, Compression.NONE);
            rollWithFiller(f, "filler-");
            try (LogCleaner cleaner = cleaner(f)) {
                assertNotNull(cleaner.cleanOnce());
                clock.advance(2 * HOUR);
                rollWithFiller(f, "more-");

                assertNotNull(cleaner.cleanOnce());

                Map<String, Record> byKey = onePerKey(readAll(f));
                for (int k = 0; k < KEYS; k++) {
                    String key = "key-" + k;
                    if (k < DELETED) {
                        assertFalse(byKey.containsKey(key), key + " was deleted");
                    } else {
                        assertEquals(latestOffset.get(key), byKey.get(key).offset());
                        assertEquals(latestValue.get(key), valueOf(byKey.get(key)));
                    }
                }
            }
        }
    }

    @Test
    void logAppendsAndReadsAcrossTheSwapAndAReaderOfAnOldSegmentFinishes() throws IOException {
        try (LogFixture f = fixture(dir)) {
            appendVersionsAndTombstones(f, Compression.NONE);
            rollWithFiller(f, "filler-");
            LogReadResult held = f.log.read(0, Integer.MAX_VALUE, f.log.highWatermark(), false);
            ByteBuffer before = held.records().readFully();
            try (LogCleaner cleaner = cleaner(f)) {
                assertNotNull(cleaner.cleanOnce());

                assertEquals(before, held.records().readFully(), "the old segment still serves the held slice");
                held.records().release();
                append(f, Compression.NONE, "key-1", "after-clean");
                List<Record> all = readAll(f);
                assertEquals("after-clean", valueOf(all.get(all.size() - 1)));
                assertEquals(latestOffset.get("key-1"), all.get(all.size() - 1).offset());
                long middle = latestOffset.get("key-20");
                Record first = Batches.records(f.readAll(middle)).stream().filter(r -> r.offset() >= middle)
                        .findFirst().orElseThrow();
                assertEquals(middle, first.offset(), "a fetch from a survivor's offset starts at it");
            }
        }
    }

    @Test
    void nothingIsCleanedBelowTheDirtyRatioOrInTheActiveSegment() throws IOException {
        try (LogFixture f = fixture(dir)) {
            append(f, Compression.NONE, "a", "1", "a", "2");
            try (LogCleaner cleaner = cleaner(f)) {
                assertNull(cleaner.cleanOnce(), "only the active segment");
                rollWithFiller(f, "filler-");
                assertNotNull(cleaner.cleanOnce());
                assertNull(cleaner.cleanOnce(), "nothing dirty since");
                assertEquals(f.diskLog().segments().active().baseOffset(), cleaner.cleanPoint(LogFixture.TP));
            }
        }
    }

    @Test
    void completesASwapInterruptedByACrashAndDropsLeftoverCleanedFiles() throws IOException {
        Path copy = Files.createDirectories(dir.resolve("copy"));
        Path original = Files.createDirectories(dir.resolve("original"));
        List<Record> cleaned;
        try (LogFixture f = fixture(original)) {
            appendVersionsAndTombstones(f, Compression.NONE);
            rollWithFiller(f, "filler-");
            f.registry.close();
            copyTree(f.partitionDir(), copy.resolve("orders-0"));
            f.reopen(config());
            f.log.updateConfig(config().withSegmentBytes(1 << 20)); // one cleaned segment for all rolled ones
            try (LogCleaner cleaner = cleaner(f)) {
                assertEquals(1, cleaner.cleanOnce().segmentsAfter());
            }
            cleaned = readAll(f);
            for (String suffix : List.of(".log", ".index", ".timeindex")) {
                Files.copy(f.partitionDir().resolve("00000000000000000000" + suffix),
                        copy.resolve("orders-0").resolve("00000000000000000000" + suffix + ".swap"));
            }
        }
        Path part = copy.resolve("orders-0");
        String second = listed(part, ".log").get(1);
        Files.move(part.resolve(second), part.resolve(second + ".deleted")); // the crash hit mid-rename
        Files.write(part.resolve("00000000000000000000.log.cleaned"), new byte[100]);

        try (LogFixture f = fixture(copy)) {
            assertEquals(offsetsAndValues(cleaned), offsetsAndValues(readAll(f)));
            assertTrue(listed(part, ".swap").isEmpty() && listed(part, ".cleaned").isEmpty()
                    && listed(part, ".deleted").isEmpty(), "no leftovers");
            append(f, Compression.NONE, "key-1", "after-recovery");
        }
    }

    @Test
    void appendsAndReadsRunWhileTheCleanerSwapsSegments() throws Exception {
        try (LogFixture f = fixture(dir)) {
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicReference<Throwable> readerFailure =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    while (!done.get()) {
                        long previous = -1;
                        for (Record r : readAll(f)) {
                            if (r.offset() <= previous) {
                                throw new AssertionError("offsets went back: " + previous + " then " + r.offset());
                            }
                            previous = r.offset();
                        }
                    }
                } catch (Throwable t) {
                    readerFailure.set(t);
                }
            }, "test-reader");
            reader.start();
            try (LogCleaner cleaner = cleaner(f)) {
                int cleanings = 0;
                for (int round = 0; round < 30; round++) {
                    for (int k = 0; k < KEYS; k += 4) {
                        append(f, Compression.NONE, "key-" + k, "r" + round, "key-" + (k + 1), "r" + round,
                                "key-" + (k + 2), "r" + round, "key-" + (k + 3), "r" + round);
                    }
                    if (cleaner.cleanOnce() != null) {
                        cleanings++;
                    }
                }
                done.set(true);
                reader.join();

                assertNull(readerFailure.get(), () -> "reader failed: " + readerFailure.get());
                assertTrue(cleanings > 5, "cleanings: " + cleanings);
                Map<String, Record> last = new HashMap<>();
                readAll(f).forEach(r -> last.put(StandardCharsets.UTF_8.decode(r.key()).toString(), r));
                for (int k = 0; k < KEYS; k++) {
                    assertEquals("r29", valueOf(last.get("key-" + k)));
                    assertEquals(latestOffset.get("key-" + k), last.get("key-" + k).offset());
                }
            } finally {
                done.set(true);
                reader.join();
            }
        }
    }

    @Test
    void keepsAProducersLastBatchEmptyWithItsOffsetsAndSequencesWhenAllItsRecordsAreSuperseded()
            throws IOException {
        try (LogFixture f = fixture(dir)) {
            AppendResult first = f.append(Batches.idempotent(Compression.NONE, 1000L, (short) 3, 0, clock.millis(), 4));
            assertEquals(Errors.NONE, first.error(), first.errorMessage());
            f.append(Batches.idempotent(Compression.NONE, 2000L, (short) 0, 0, clock.millis(), 4)); // same keys
            rollWithFiller(f, "filler-");
            try (LogCleaner cleaner = cleaner(f)) {
                assertNotNull(cleaner.cleanOnce());
            }

            LogReadResult r = f.log.read(0, Integer.MAX_VALUE, f.log.highWatermark(), true);
            try {
                RecordBatch batch = MemoryRecords.readableRecords(r.records().readFully()).batches().iterator().next();
                assertEquals(1000L, batch.producerId());
                assertEquals(3, batch.producerEpoch());
                assertEquals(0, batch.baseSequence());
                assertEquals(first.baseOffset(), batch.baseOffset());
                assertEquals(first.lastOffset(), batch.lastOffset());
                assertEquals(0, batch.countOrNull());
            } finally {
                r.records().release();
            }
        }
    }

    @Test
    void compactAndDeleteBothApply() throws IOException {
        LogConfig config = LogFixture.config(Map.of("cleanup.policy", "compact,delete", "min.cleanable.dirty.ratio",
                "0.01", "retention.ms", String.valueOf(HOUR), "file.delete.delay.ms", "0")).withSegmentBytes(1024);
        try (LogFixture f = new LogFixture(StorageSettings.defaults(List.of(dir), config).withClock(clock), config)) {
            appendVersionsAndTombstones(f, Compression.NONE);
            rollWithFiller(f, "filler-");
            try (LogCleaner cleaner = cleaner(f)) {
                assertNotNull(cleaner.cleanOnce());
                clock.advance(2 * HOUR);
                rollWithFiller(f, "late-");

                assertTrue(f.disk().deleteOldSegments() > 0, "retention.ms still deletes cleaned segments");
                assertTrue(f.log.logStartOffset() > 0);
                cleaner.cleanOnce();
                assertTrue(readAll(f).stream().allMatch(rec -> rec.offset() >= f.log.logStartOffset()));
            }
        }
    }

    // ---- helpers

    private static List<Record> readAll(LogFixture f) {
        List<Record> out = new ArrayList<>();
        long offset = f.log.logStartOffset();
        while (offset < f.log.highWatermark()) {
            LogReadResult r = f.log.read(offset, Integer.MAX_VALUE, f.log.highWatermark(), true);
            LogSlice slice = r.records();
            try {
                if (slice.sizeInBytes() == 0) {
                    break;
                }
                for (RecordBatch batch : MemoryRecords.readableRecords(slice.readFully()).batches()) {
                    for (Record rec : batch) {
                        out.add(rec);
                    }
                    offset = batch.lastOffset() + 1;
                }
            } finally {
                slice.release();
            }
        }
        return out;
    }

    /** The records by key, failing if a key appears twice. */
    private static Map<String, Record> onePerKey(List<Record> records) {
        Map<String, Record> byKey = new LinkedHashMap<>();
        for (Record r : records) {
            String key = StandardCharsets.UTF_8.decode(r.key()).toString();
            Record previous = byKey.put(key, r);
            if (previous != null && !key.startsWith("filler") && !key.startsWith("more")) {
                throw new AssertionError(key + " appears at offsets " + previous.offset() + " and " + r.offset());
            }
        }
        return byKey;
    }

    private long activeRecords(LogFixture f) {
        long activeBase = f.diskLog().segments().active().baseOffset();
        return readAll(f).stream().filter(r -> r.offset() >= activeBase).count();
    }

    private static List<String> offsetsAndValues(List<Record> records) {
        return records.stream().map(r -> r.offset() + "=" + StandardCharsets.UTF_8.decode(r.key()) + ":" + valueOf(r))
                .toList();
    }

    private static String valueOf(Record r) {
        return r.hasValue() ? StandardCharsets.UTF_8.decode(r.value()).toString() : null;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> listed(Path dir, String suffix) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> list = Files.list(from)) {
            for (Path p : list.toList()) {
                Files.copy(p, to.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
