package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.AbortedTransaction;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.StorageSettings;
import io.skein.log.compaction.CleanerSettings;
import io.skein.log.compaction.LogCleaner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log cleaner on transactional data: aborted records go, markers go once their transaction is gone. */
class TransactionalCompactionTest {

    private static final long HOUR = 3_600_000L;
    private static final short EPOCH = 0;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private final Map<Long, Integer> sequences = new java.util.HashMap<>();

    private static LogConfig config() {
        return LogFixture.config(Map.of("cleanup.policy", "compact", "min.cleanable.dirty.ratio", "0.01",
                "delete.retention.ms", String.valueOf(HOUR), "file.delete.delay.ms", "0")).withSegmentBytes(1024);
    }

    private LogFixture fixture() throws IOException {
        return new LogFixture(StorageSettings.defaults(List.of(dir), config()).withClock(clock), config());
    }

    private static LogCleaner cleaner(LogFixture f) {
        LogCleaner cleaner = f.registry.newCleaner(new CleanerSettings(false, 1, 10, Double.MAX_VALUE, 1 << 20));
        cleaner.start();
        return cleaner;
    }

    /** A transactional batch of key=value pairs; returns its first offset. */
    private long txn(LogFixture f, long producerId, String... keyValues) {
        SimpleRecord[] records = new SimpleRecord[keyValues.length / 2];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(clock.millis(), bytes(keyValues[2 * i]), bytes(keyValues[2 * i + 1]));
        }
        int seq = sequences.getOrDefault(producerId, 0);
        sequences.put(producerId, seq + records.length);
        AppendResult r = f.append(MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, EPOCH, seq,
                records));
        assertEquals(Errors.NONE, r.error(), r.errorMessage());
        return r.baseOffset();
    }

    private void marker(LogFixture f, long producerId, boolean commit) {
        assertEquals(Errors.NONE, f.log.appendTransactionMarker(producerId, EPOCH, 0, commit, 7, clock.millis()).error());
    }

    private void rollWithFiller(LogFixture f, String prefix) {
        long activeBase = f.diskLog().segments().active().baseOffset();
        for (int i = 0; f.diskLog().segments().active().baseOffset() == activeBase; i++) {
            f.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(clock.millis(), bytes(prefix + i),
                    bytes("filler"))));
        }
    }

    private static List<RecordBatch> batches(LogFixture f) {
        List<RecordBatch> out = new ArrayList<>();
        LogReadResult r = f.log.read(f.log.logStartOffset(), Integer.MAX_VALUE, f.log.logEndOffset(), true);
        try {
            for (RecordBatch b : MemoryRecords.readableRecords(r.records().readFully()).batches()) {
                out.add(b);
            }
        } finally {
            r.records().release();
        }
        return out;
    }

    /** key=value of every data record, in offset order. */
    private static List<String> data(LogFixture f) {
        List<String> out = new ArrayList<>();
        for (RecordBatch b : batches(f)) {
            if (!b.isControlBatch()) {
                for (Record r : b) {
                    String key = StandardCharsets.UTF_8.decode(r.key()).toString();
                    if (!key.startsWith("filler") && !key.startsWith("more")) {
                        out.add(key + "=" + StandardCharsets.UTF_8.decode(r.value()));
                    }
                }
            }
        }
        return out;
    }

    private static long abortMarkers(LogFixture f, long producerId) {
        return batches(f).stream().filter(b -> b.isControlBatch() && b.producerId() == producerId
                && b.iterator().hasNext() && ControlRecordType.parse(b.iterator().next().key()) == ControlRecordType.ABORT)
                .count();
    }

    @Test
    void dropsAbortedRecordsKeepsCommittedOnesAndLaterDropsTheAbortMarker() throws IOException {
        try (LogFixture f = fixture()) {
            txn(f, 1L, "a", "committed");
            marker(f, 1L, true);
            long abortedFirst = txn(f, 2L, "a", "aborted", "b", "aborted");
            marker(f, 2L, false);
            txn(f, 2L, "e", "later");
            marker(f, 2L, true);
            rollWithFiller(f, "filler-");
            try (LogCleaner cleaner = cleaner(f)) {
                assertNotNull(cleaner.cleanOnce());

                assertEquals(List.of("a=committed", "e=later"), data(f));
                assertEquals(1, abortMarkers(f, 2L), "kept while this cleaning removed the aborted data");
                assertEquals(List.of(new AbortedTransaction(2L, abortedFirst)),
                        f.log.abortedTransactions(0, f.log.logEndOffset()));

                clock.advance(2 * HOUR);
                rollWithFiller(f, "more-");
                assertNotNull(cleaner.cleanOnce());
                assertEquals(1, abortMarkers(f, 2L), "kept for delete.retention.ms after its data is gone");
                assertEquals(List.of(), f.log.abortedTransactions(0, f.log.logEndOffset()));

                clock.advance(2 * HOUR);
                rollWithFiller(f, "more-again-");
                assertNotNull(cleaner.cleanOnce());

                assertEquals(0, abortMarkers(f, 2L));
                assertEquals(List.of("a=committed", "e=later"), data(f));
            }
        }
    }

    @Test
    void nothingAtOrPastAnOpenTransactionIsCleaned() throws IOException {
        try (LogFixture f = fixture()) {
            txn(f, 1L, "a", "open");
            for (int i = 0; i < 3; i++) {
                rollWithFiller(f, "filler-" + i + "-");
            }
            assertEquals(0, f.log.lastStableOffset());
            try (LogCleaner cleaner = cleaner(f)) {
                assertNull(cleaner.cleanOnce());

                marker(f, 1L, true);
                assertTrue(f.log.lastStableOffset() > 0);
                assertNotNull(cleaner.cleanOnce());
                assertEquals(List.of("a=open"), data(f));
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
