package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.AppendContext;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogReadResult;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import io.skein.log.api.StorageSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HighWatermarkTest {

    @TempDir
    Path dir;

    private StorageSettings settings() {
        return StorageSettings.defaults(List.of(dir), LogConfig.defaults());
    }

    private DiskLogRegistry openReplicated() throws IOException {
        return DiskLogRegistry.open(settings(), false);
    }

    private static PartitionLog create(LogRegistry registry) {
        return registry.getOrCreate(LogFixture.TP, LogFixture.TOPIC_ID, LogConfig.defaults());
    }

    private static void append(PartitionLog log, int count) {
        log.append(Batches.batch(count), new AppendContext(0, System.currentTimeMillis()));
    }

    private static List<RecordBatch> readUpToHighWatermark(PartitionLog log) {
        LogReadResult result = log.read(log.logStartOffset(), Integer.MAX_VALUE, log.highWatermark(), false);
        try {
            return result.records().sizeInBytes() == 0 ? List.of()
                    : Batches.batches(result.records().readFully());
        } finally {
            result.records().release();
        }
    }

    @Test
    void soleReplicaHighWatermarkFollowsEveryAppend() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            append(f.log, 3);
            f.log.appendAsFollower(ReplicaBatches.atOffset(3, 0, 2, System.currentTimeMillis()));

            assertEquals(5, f.log.highWatermark());
            assertEquals(5, f.log.logEndOffset());
        }
    }

    @Test
    void replicatedHighWatermarkMovesOnlyWhenUpdatedAndOnlyUp() throws IOException {
        try (DiskLogRegistry registry = openReplicated()) {
            PartitionLog log = create(registry);
            append(log, 3);
            append(log, 3);

            assertEquals(0, log.highWatermark());
            assertTrue(log.updateHighWatermark(3));
            assertFalse(log.updateHighWatermark(2));
            assertEquals(3, log.highWatermark());
            assertTrue(log.updateHighWatermark(100));
            assertEquals(6, log.highWatermark(), "capped at the log end offset");
        }
    }

    @Test
    void readsBoundedByTheHighWatermarkStopBeforeTheBatchHoldingIt() throws IOException {
        try (DiskLogRegistry registry = openReplicated()) {
            PartitionLog log = create(registry);
            append(log, 3);
            append(log, 3);
            log.updateHighWatermark(3);

            List<RecordBatch> consumerView = readUpToHighWatermark(log);
            LogReadResult followerView = log.read(0, Integer.MAX_VALUE, log.logEndOffset(), false);

            assertEquals(1, consumerView.size());
            assertEquals(2, consumerView.get(0).lastOffset());
            assertEquals(3, followerView.highWatermark());
            assertEquals(2, Batches.batches(followerView.records().readFully()).size());
            followerView.records().release();
        }
    }

    @Test
    void turningFollowingOnMovesTheHighWatermarkToTheEnd() throws IOException {
        try (DiskLogRegistry registry = openReplicated()) {
            PartitionLog log = create(registry);
            append(log, 4);

            log.setHighWatermarkFollowsLogEnd(true);

            assertEquals(4, log.highWatermark());
        }
    }

    @Test
    void truncationBelowTheHighWatermarkLowersIt() throws IOException {
        try (DiskLogRegistry registry = openReplicated()) {
            PartitionLog log = create(registry);
            append(log, 3);
            append(log, 3);
            log.updateHighWatermark(6);

            log.truncateTo(3);

            assertEquals(3, log.highWatermark());
        }
    }

    @Test
    void highWatermarkIsRestoredFromItsCheckpointAfterACleanStop() throws IOException {
        try (DiskLogRegistry registry = openReplicated()) {
            PartitionLog log = create(registry);
            append(log, 5);
            log.updateHighWatermark(4);
        }
        assertTrue(Files.readString(dir.resolve("replication-offset-checkpoint")).contains("orders 0 4"));

        try (DiskLogRegistry reopened = openReplicated()) {
            assertEquals(4, reopened.get(LogFixture.TP).orElseThrow().highWatermark());
        }
    }

    @Test
    void highWatermarkAfterACrashIsTheLastCheckpointClampedToTheRecoveredLog() throws IOException {
        DiskLogRegistry registry = openReplicated();
        PartitionLog log = create(registry);
        append(log, 5);
        log.updateHighWatermark(2);
        registry.checkpointHighWatermarks();
        log.updateHighWatermark(5);
        registry.closeAsAfterCrash();

        try (DiskLogRegistry reopened = openReplicated()) {
            assertEquals(2, reopened.get(LogFixture.TP).orElseThrow().highWatermark());
        }
        Files.writeString(dir.resolve("replication-offset-checkpoint"), "0\n1\norders 0 99\n");
        try (DiskLogRegistry reopened = openReplicated()) {
            assertEquals(5, reopened.get(LogFixture.TP).orElseThrow().highWatermark());
        }
    }

    @Test
    void soleReplicaRegistryStartsAtTheLogEndWhateverTheCheckpointSays() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            append(f.log, 5);
            f.disk().closeAsAfterCrash();
            Files.writeString(dir.resolve("replication-offset-checkpoint"), "0\n1\norders 0 1\n");

            f.registry = LogRegistry.open(f.settings);

            assertEquals(5, f.registry.get(LogFixture.TP).orElseThrow().highWatermark());
        }
    }
}
