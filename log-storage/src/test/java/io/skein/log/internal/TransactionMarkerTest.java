package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.AbortedTransaction;
import io.skein.log.api.ActiveProducer;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.index.TransactionIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionMarkerTest {

    private static final LogConfig CONFIG = LogConfig.defaults();
    private static final short EPOCH = 3;

    @TempDir
    Path dir;

    static MemoryRecords txnBatch(long producerId, short epoch, int firstSeq, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), ("k" + i).getBytes(), ("v" + i).getBytes());
        }
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, firstSeq, records);
    }

    private static AppendResult marker(LogFixture f, long producerId, short epoch, boolean commit) {
        return f.log.appendTransactionMarker(producerId, epoch, 0, commit, 7, System.currentTimeMillis());
    }

    private static Path txnIndex(LogFixture f, long base) {
        return f.partitionDir().resolve(String.format("%020d.txnindex", base));
    }

    @Test
    void openTransactionHoldsTheLastStableOffsetUntilItsMarker() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            f.append(Batches.batch(2));
            f.append(txnBatch(1L, EPOCH, 0, 3));
            f.append(Batches.batch(2));
            assertEquals(2, f.log.lastStableOffset());

            AppendResult committed = marker(f, 1L, EPOCH, true);

            assertEquals(Errors.NONE, committed.error());
            assertEquals(7, committed.baseOffset());
            assertEquals(8, f.log.lastStableOffset());
            assertEquals(List.of(), f.log.abortedTransactions(0, 8));
        }
    }

    @Test
    void activeProducersShowTheOpenTransactionUntilItsMarker() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            f.append(Batches.batch(2));
            f.append(txnBatch(1L, EPOCH, 0, 3));
            assertTrue(f.log.hasOngoingTransaction(1L, EPOCH));
            assertFalse(f.log.hasOngoingTransaction(1L, (short) (EPOCH + 1)), "another epoch's transaction");
            assertFalse(f.log.hasOngoingTransaction(2L, EPOCH), "an unknown producer");
            ActiveProducer open = f.log.activeProducers().get(0);
            assertEquals(new ActiveProducer(1L, EPOCH, 2, open.lastTimestamp(), -1, 2), open);

            f.log.appendTransactionMarker(1L, EPOCH, 4, true, 7, 0L);

            assertFalse(f.log.hasOngoingTransaction(1L, EPOCH));
            assertEquals(List.of(new ActiveProducer(1L, EPOCH, 2, open.lastTimestamp(), 4, -1)),
                    f.log.activeProducers());
        }
    }

    @Test
    void markerIsAControlBatchWithTheCommitRecord() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            f.append(txnBatch(1L, EPOCH, 0, 1));

            marker(f, 1L, EPOCH, false);

            MutableRecordBatch batch = null;
            for (MutableRecordBatch b : MemoryRecords.readableRecords(f.readAll(1)).batches()) {
                batch = b;
            }
            assertTrue(batch.isControlBatch() && batch.isTransactional());
            assertEquals(1L, batch.producerId());
            assertEquals(ControlRecordType.ABORT,
                    EndTransactionMarker.deserialize(batch.iterator().next()).controlType());
        }
    }

    @Test
    void refusesAMarkerWithAnOlderProducerEpoch() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            f.append(txnBatch(1L, EPOCH, 0, 1));

            AppendResult result = marker(f, 1L, (short) (EPOCH - 1), true);

            assertEquals(Errors.INVALID_PRODUCER_EPOCH, result.error());
            assertEquals(0, f.log.lastStableOffset());
            assertEquals(1, f.log.logEndOffset());
        }
    }

    @Test
    void refusesAMarkerWithAnOlderCoordinatorEpoch() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            f.append(txnBatch(1L, EPOCH, 0, 1));
            f.log.appendTransactionMarker(1L, EPOCH, 5, true, 7, 0L);
            f.append(txnBatch(1L, EPOCH, 1, 1));

            AppendResult result = f.log.appendTransactionMarker(1L, EPOCH, 4, true, 7, 0L);

            assertEquals(Errors.TRANSACTION_COORDINATOR_FENCED, result.error());
        }
    }

    @Test
    void abortIsIndexedAndReportedToOverlappingReads() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            f.append(txnBatch(1L, EPOCH, 0, 2));   // 0-1
            f.append(txnBatch(2L, EPOCH, 0, 2));   // 2-3
            marker(f, 1L, EPOCH, false);           // 4
            marker(f, 2L, EPOCH, true);            // 5
            f.append(txnBatch(1L, EPOCH, 2, 1));   // 6
            marker(f, 1L, EPOCH, false);           // 7

            assertEquals(List.of(new AbortedTransaction(1L, 0), new AbortedTransaction(1L, 6)),
                    f.log.abortedTransactions(0, 8));
            assertEquals(List.of(new AbortedTransaction(1L, 6)), f.log.abortedTransactions(5, 8));
            assertEquals(List.of(new AbortedTransaction(1L, 0)), f.log.abortedTransactions(0, 5));
            assertEquals(2L * TransactionIndex.ENTRY_SIZE, Files.size(txnIndex(f, 0)));
        }
    }

    @Test
    void openTransactionSurvivesACrash() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            f.append(Batches.batch(2));
            f.append(txnBatch(1L, EPOCH, 0, 2));    // 2-3
            f.append(txnBatch(2L, EPOCH, 0, 2));    // 4-5
            marker(f, 2L, EPOCH, false);            // 6

            f.crashAndReopen(CONFIG, () -> { });

            assertEquals(2, f.log.lastStableOffset());
            assertEquals(List.of(new AbortedTransaction(2L, 4)), f.log.abortedTransactions(0, 7));
            assertEquals(Errors.NONE, marker(f, 1L, EPOCH, true).error());
            assertEquals(8, f.log.lastStableOffset());
        }
    }

    @Test
    void openTransactionSurvivesRestartsThroughTheProducerSnapshot() throws IOException {
        LogConfig small = CONFIG.withSegmentBytes(600);
        try (LogFixture f = new LogFixture(dir, small)) {
            f.append(txnBatch(1L, EPOCH, 0, 2));
            for (int i = 0; i < 10; i++) {
                f.append(Batches.batch(3));
            }
            assertTrue(f.diskLog().segments().all().size() > 2, "the transaction's segment rolled");

            f.reopen(small);
            f.crashAndReopen(small, () -> { });

            assertEquals(0, f.log.lastStableOffset());
            marker(f, 1L, EPOCH, false);
            assertEquals(f.log.logEndOffset(), f.log.lastStableOffset());
            assertEquals(List.of(new AbortedTransaction(1L, 0)), f.log.abortedTransactions(0, f.log.logEndOffset()));
        }
    }

    @Test
    void rebuildsALostTxnIndexOfARecoveredSegment() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            f.append(txnBatch(1L, EPOCH, 0, 2));
            marker(f, 1L, EPOCH, false);

            f.crashAndReopen(CONFIG, () -> {
                try {
                    Files.delete(txnIndex(f, 0));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });

            assertEquals(List.of(new AbortedTransaction(1L, 0)), f.log.abortedTransactions(0, 3));
        }
    }

    @Test
    void cutsATornTxnIndexTail() throws IOException {
        Path file = dir.resolve("00000000000000000000.txnindex");
        TransactionIndex index = TransactionIndex.createEmpty(file);
        index.append(new io.skein.log.index.AbortedTxn(1L, 0, 4, 5));
        index.append(new io.skein.log.index.AbortedTxn(2L, 2, 9, 10));
        index.close();
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));

        TransactionIndex reopened = TransactionIndex.open(file);

        assertEquals(List.of(new io.skein.log.index.AbortedTxn(1L, 0, 4, 5)), reopened.entries());
        assertEquals(TransactionIndex.ENTRY_SIZE, Files.size(file));
        reopened.close();
    }

    @Test
    void truncationTrimsTheTxnIndexAndReopensTheTransaction() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            f.append(txnBatch(1L, EPOCH, 0, 2));    // 0-1
            marker(f, 1L, EPOCH, false);            // 2

            f.log.truncateTo(2);

            assertEquals(List.of(), f.log.abortedTransactions(0, 3));
            f.log.setHighWatermarkFollowsLogEnd(true);
            assertEquals(0, f.log.lastStableOffset());
        }
    }

    @Test
    void followerReplaysMarkersLikeTheLeader() throws IOException {
        try (LogFixture leader = new LogFixture(dir.resolve("leader"), CONFIG);
             LogFixture follower = new LogFixture(dir.resolve("follower"), CONFIG)) {
            leader.append(txnBatch(1L, EPOCH, 0, 2));
            leader.append(txnBatch(2L, EPOCH, 0, 2));
            marker(leader, 1L, EPOCH, false);
            ByteBuffer fetched = leader.readAll(0);

            AppendResult result = follower.log.appendAsFollower(ReplicaBatches.copy(fetched));

            assertEquals(Errors.NONE, result.error(), result.errorMessage());
            assertEquals(2, follower.log.lastStableOffset());
            assertEquals(List.of(new AbortedTransaction(1L, 0)), follower.log.abortedTransactions(0, 5));
        }
    }

    @Test
    void producerSnapshotKeepsTheOpenTransaction() throws IOException {
        io.skein.log.producer.ProducerStateTable table = new io.skein.log.producer.ProducerStateTable();
        table.update(1L, EPOCH, new io.skein.log.producer.BatchMetadata(0, 1, 10, 11, 0L), true);
        table.update(2L, EPOCH, new io.skein.log.producer.BatchMetadata(0, 1, 12, 13, 0L), false);
        table.endTransaction(3L, EPOCH, 9, 14, true);

        ProducerSnapshotFile.write(dir, 20, table);
        io.skein.log.producer.ProducerStateTable restored = new io.skein.log.producer.ProducerStateTable();
        restored.restore(ProducerSnapshotFile.latest(dir, 20).orElseThrow().producers());

        assertEquals(10, restored.firstOngoingOffset());
        assertEquals(10, restored.ongoingTxnFirstOffset(1L));
        assertEquals(-1, restored.ongoingTxnFirstOffset(2L));
        assertEquals(Errors.TRANSACTION_COORDINATOR_FENCED, restored.checkMarker(3L, EPOCH, 8).error());
    }

    @Test
    void recoveryThatCutsATornMarkerReopensTheTransaction() throws IOException {
        try (LogFixture f = new LogFixture(dir, CONFIG)) {
            f.append(txnBatch(1L, EPOCH, 0, 2));
            long logBytes = f.diskLog().segments().active().size();
            marker(f, 1L, EPOCH, false);
            Path log = f.partitionDir().resolve("00000000000000000000.log");

            f.crashAndReopen(CONFIG, () -> {
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(log,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    ch.truncate(logBytes + 20); // the marker's batch is torn
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });

            assertEquals(2, f.log.logEndOffset());
            assertEquals(0, f.log.lastStableOffset());
            assertEquals(List.of(), f.log.abortedTransactions(0, 3));
        }
    }

    @Test
    void retentionDeletesTheTxnIndexWithItsSegment() throws IOException {
        LogConfig small = LogFixture.config(java.util.Map.of("file.delete.delay.ms", "0")).withSegmentBytes(600);
        try (LogFixture f = new LogFixture(dir, small)) {
            f.append(txnBatch(1L, EPOCH, 0, 2));
            marker(f, 1L, EPOCH, false);
            for (int i = 0; i < 10; i++) {
                f.append(Batches.batch(3));
            }
            Path index = txnIndex(f, 0);
            assertTrue(Files.exists(index));

            f.log.deleteRecordsBefore(f.log.highWatermark());

            assertTrue(!Files.exists(index), "renamed for deletion with its segment");
            assertEquals(List.of(), f.log.abortedTransactions(f.log.logStartOffset(), f.log.logEndOffset()));
        }
    }

    @Test
    void aMarkerNotYetReplicatedWhenTheLogClosedStillHoldsTheLastStableOffsetAfterTheRestart() throws IOException {
        io.skein.log.api.StorageSettings settings = io.skein.log.api.StorageSettings.defaults(List.of(dir), CONFIG);
        try (io.skein.log.api.LogRegistry registry = io.skein.log.api.LogRegistry.openReplicated(settings)) {
            io.skein.log.api.PartitionLog log = registry.getOrCreate(LogFixture.TP, LogFixture.TOPIC_ID, CONFIG);
            log.append(txnBatch(1L, EPOCH, 0, 2), new io.skein.log.api.AppendContext(1, System.currentTimeMillis()));
            log.updateHighWatermark(2);
            log.appendTransactionMarker(1L, EPOCH, 0, false, 1, System.currentTimeMillis()); // offset 2
            assertEquals(0, log.lastStableOffset());
        }

        try (io.skein.log.api.LogRegistry registry = io.skein.log.api.LogRegistry.openReplicated(settings)) {
            io.skein.log.api.PartitionLog log = registry.get(LogFixture.TP).orElseThrow();
            assertEquals(2, log.highWatermark());
            assertEquals(0, log.lastStableOffset(), "the abort is not replicated yet: its data is not stable");

            log.updateHighWatermark(3);

            assertEquals(3, log.lastStableOffset());
            assertEquals(List.of(new AbortedTransaction(1L, 0)), log.abortedTransactions(0, 3));
        }
    }

    @Test
    void readsAVersionOneProducerSnapshotWrittenBeforeTransactions() throws IOException {
        ByteBuffer v1 = ByteBuffer.allocate(2 + 4 + 8 + 2 + 4 + 32 + 4);
        v1.putShort((short) 1).putInt(1).putLong(9L).putShort((short) 2).putInt(1)
                .putInt(0).putInt(4).putLong(100L).putLong(104L).putLong(1_700_000_000_000L);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(v1.array(), 0, v1.position());
        v1.putInt((int) crc.getValue());
        Files.write(ProducerSnapshotFile.path(dir, 105), v1.array());

        List<io.skein.log.producer.ProducerStateTable.Producer> read = ProducerSnapshotFile.latest(dir, 105)
                .orElseThrow().producers();

        assertEquals(List.of(new io.skein.log.producer.ProducerStateTable.Producer(9L, (short) 2,
                List.of(new io.skein.log.producer.BatchMetadata(0, 4, 100L, 104L, 1_700_000_000_000L)), -1, -1)), read);
    }
}
