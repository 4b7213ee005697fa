package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.LogConfig;
import io.skein.log.api.LogReadResult;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentReadTest {

    @TempDir
    Path dir;

    @Test
    void readersRacingTheWriterOnlySeeCompleteBatches() throws Exception {
        LogConfig config = LogConfig.defaults().withSegmentBytes(16 * 1024);
        try (LogFixture f = new LogFixture(dir, config)) {
            int appends = 2000;
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    long next = 0;
                    while (next < appends * 3L) {
                        LogReadResult r = f.log.read(next, 64 * 1024, f.log.highWatermark(), true);
                        if (r.records().sizeInBytes() == 0) {
                            Thread.onSpinWait();
                            continue;
                        }
                        ByteBuffer bytes = r.records().readFully();
                        r.records().release();
                        for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
                            assertTrue(batch.isValid(), "invalid batch at " + batch.baseOffset());
                            assertTrue(batch.baseOffset() <= next, "gap before " + batch.baseOffset());
                            next = batch.nextOffset();
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "test-reader");
            reader.start();

            for (int i = 0; i < appends; i++) {
                f.append(Batches.batch(3));
            }
            reader.join(30_000);

            assertEquals(null, failure.get());
            assertEquals(appends * 3L, f.log.logEndOffset());
        }
    }
}
