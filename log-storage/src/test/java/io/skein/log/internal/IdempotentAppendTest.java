package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotentAppendTest {

    private static final long PID = 4000L;
    private static final short EPOCH = 2;

    @TempDir
    Path dir;

    @Test
    void retriedBatchReturnsTheOriginalOffsetsAndAppendsNothing() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.batch(3));
            AppendResult original = f.append(Batches.idempotent(PID, EPOCH, 0, 5));
            f.append(Batches.batch(2));

            AppendResult retry = f.append(Batches.idempotent(PID, EPOCH, 0, 5));

            assertEquals(Errors.NONE, retry.error());
            assertEquals(3, original.baseOffset());
            assertEquals(original.baseOffset(), retry.baseOffset());
            assertEquals(original.lastOffset(), retry.lastOffset());
            assertEquals(10, f.log.logEndOffset());
        }
    }

    @Test
    void sequenceGapIsOutOfOrder() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.idempotent(PID, EPOCH, 0, 5));

            AppendResult result = f.append(Batches.idempotent(PID, EPOCH, 7, 5));

            assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, result.error());
            assertEquals(5, f.log.logEndOffset());
        }
    }

    @Test
    void staleEpochIsRejected() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.idempotent(PID, EPOCH, 0, 5));

            AppendResult result = f.append(Batches.idempotent(PID, (short) (EPOCH - 1), 5, 5));

            assertEquals(Errors.INVALID_PRODUCER_EPOCH, result.error());
        }
    }

    @Test
    void consecutiveBatchesOfOneProducerInOneRequestAreChecked() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            MemoryRecords inOrder = Batches.concat(Batches.idempotent(PID, EPOCH, 0, 3),
                    Batches.idempotent(PID, EPOCH, 3, 3));
            MemoryRecords gap = Batches.concat(Batches.idempotent(PID, EPOCH, 6, 3),
                    Batches.idempotent(PID, EPOCH, 10, 3));

            assertEquals(Errors.NONE, f.append(inOrder).error());
            assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, f.append(gap).error());
            assertEquals(6, f.log.logEndOffset());
        }
    }

    @Test
    void producerStateSurvivesARestart() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            AppendResult original = f.append(Batches.idempotent(PID, EPOCH, 0, 5));
            f.append(Batches.idempotent(PID, EPOCH, 5, 5));

            f.reopen(LogConfig.defaults());

            AppendResult retry = f.append(Batches.idempotent(PID, EPOCH, 0, 5));
            assertEquals(original.baseOffset(), retry.baseOffset());
            assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, f.append(Batches.idempotent(PID, EPOCH, 11, 1)).error());
            assertEquals(Errors.NONE, f.append(Batches.idempotent(PID, EPOCH, 10, 1)).error());
            assertEquals(11, f.log.logEndOffset());
        }
    }
}
