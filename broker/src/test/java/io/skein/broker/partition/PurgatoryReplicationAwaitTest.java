package io.skein.broker.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.broker.purgatory.DelayedOperation;
import io.skein.broker.purgatory.Purgatory;
import io.skein.log.api.AppendContext;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import io.skein.log.api.StorageSettings;
import io.skein.replication.api.ReplicaRoles;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A coordinator's write is committed once the high watermark of its partition passes it. */
class PurgatoryReplicationAwaitTest {

    private static final int NODE = 1;
    private static final Uuid TOPIC_ID = Uuid.randomUuid();
    private static final TopicPartition TP = new TopicPartition("__consumer_offsets", 0);

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Purgatory<TopicPartition> purgatory = new Purgatory<>(scheduler);
    private final Purgatory<TopicPartition> fetches = new Purgatory<>(scheduler);
    private LogRegistry logs;
    private Partitions partitions;
    private PurgatoryReplicationAwait await;
    private ImageState image = ImageState.empty();

    @BeforeEach
    void open() throws Exception {
        logs = LogRegistry.openReplicated(StorageSettings.defaults(List.of(dir), LogConfig.defaults()));
        partitions = new Partitions(NODE, logs, overrides -> LogConfig.defaults(), overrides -> 2, ReplicaRoles.NONE);
        await = new PurgatoryReplicationAwait(partitions, purgatory, fetches);
    }

    @AfterEach
    void close() {
        await.close();
        scheduler.shutdownNow();
        logs.close();
    }

    private void publish(List<Integer> isr, int leader, int leaderEpoch) {
        ImageState previous = image;
        image = image.replay(List.of(new MetadataRecord.Topic(TP.topic(), TOPIC_ID),
                new MetadataRecord.Partition(TOPIC_ID, 0, List.of(1, 2, 3), isr, leader, leaderEpoch, leaderEpoch)),
                image.offset() + 1);
        partitions.onImage(previous, image);
    }

    private PartitionLog log() {
        return logs.get(TP).orElseThrow();
    }

    /** Appends one record at {@code leaderEpoch}; returns the offset after it. */
    private long append(int leaderEpoch) {
        log().append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(System.currentTimeMillis(),
                new byte[] {1}, new byte[] {2})), new AppendContext(leaderEpoch, System.currentTimeMillis()));
        return log().logEndOffset();
    }

    @Test
    void completesOnceTheHighWatermarkPassesTheAppend() throws Exception {
        publish(List.of(1, 2, 3), NODE, 1);
        long required = append(1);

        CompletableFuture<Errors> committed = await.awaitCommitted(TP, 1, required, 30_000);
        assertFalse(committed.isDone());
        log().updateHighWatermark(required);
        purgatory.checkAndComplete(TP);

        assertEquals(Errors.NONE, committed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void anAppendWakesTheFetchesParkedOnItsPartition() throws Exception {
        publish(List.of(1, 2, 3), NODE, 1);
        long fetchOffset = log().logEndOffset();
        CompletableFuture<Void> answered = new CompletableFuture<>();
        // a follower's long-poll fetch at the log end: answerable once the log grows
        fetches.watch(new DelayedOperation() {
            @Override
            protected boolean isSatisfied() {
                return log().logEndOffset() > fetchOffset;
            }

            @Override
            protected void onComplete() {
                answered.complete(null);
            }
        }, List.of(TP), 30_000);
        append(1);
        assertFalse(answered.isDone(), "nothing wakes the fetch before the coordinator says it appended");

        await.appended(TP);

        assertTrue(answered.isDone(), "the follower's fetch is answered at once, not at its max wait");
    }

    @Test
    void timesOutWhenTheFollowersNeverConfirm() throws Exception {
        publish(List.of(1, 2, 3), NODE, 1);
        long required = append(1);

        assertEquals(Errors.REQUEST_TIMED_OUT, await.awaitCommitted(TP, 1, required, 50).get(10, TimeUnit.SECONDS));
    }

    @Test
    void answersNotLeaderWhenLeadershipMoves() throws Exception {
        publish(List.of(1, 2, 3), NODE, 1);
        long required = append(1);
        CompletableFuture<Errors> committed = await.awaitCommitted(TP, 1, required, 30_000);

        publish(List.of(2, 3), 2, 2);
        purgatory.checkAndComplete(TP);

        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, committed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void refusesAppendsWhileTheIsrIsBelowMinInsyncReplicas() {
        publish(List.of(1), NODE, 1);

        assertEquals(Errors.NOT_ENOUGH_REPLICAS, await.beforeAppend(TP));
        publish(List.of(1, 2), NODE, 1);
        assertEquals(Errors.NONE, await.beforeAppend(TP));
        assertTrue(await.beforeAppend(new TopicPartition("__consumer_offsets", 9)) != Errors.NONE,
                "a partition not led here");
    }
}
