package io.skein.broker.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.skein.broker.partition.Partitions;
import io.skein.broker.purgatory.Purgatory;
import io.skein.log.api.AppendContext;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import io.skein.log.api.StorageSettings;
import io.skein.replication.metadata.ImageState;
import io.skein.replication.metadata.MetadataRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

/** Markers on the partitions this node leads: appended, announced, and acknowledged once replicated. */
class LocalTransactionMarkersTest {

    private static final int NODE = 1;
    private static final Uuid TOPIC_ID = Uuid.randomUuid();
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long PRODUCER = 42L;

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Purgatory<TopicPartition> purgatory = new Purgatory<>(scheduler);
    private final List<String> announced = new ArrayList<>();
    private LogRegistry logs;
    private Partitions partitions;
    private ImageState image = ImageState.empty();

    @BeforeEach
    void open() throws Exception {
        logs = LogRegistry.openReplicated(StorageSettings.defaults(List.of(dir), LogConfig.defaults()));
        partitions = new Partitions(NODE, logs, overrides -> LogConfig.defaults());
    }

    @AfterEach
    void close() {
        scheduler.shutdownNow();
        logs.close();
    }

    private void publish(List<Integer> isr, int leader, int leaderEpoch) {
        ImageState previous = image;
        image = image.replay(List.of(new MetadataRecord.Topic(TP.topic(), TOPIC_ID),
                new MetadataRecord.Partition(TOPIC_ID, 0, List.of(1, 2), isr, leader, leaderEpoch, leaderEpoch)),
                image.offset() + 1);
        partitions.onImage(previous, image);
    }

    private PartitionLog log() {
        return logs.get(TP).orElseThrow();
    }

    private LocalTransactionMarkers markers(long timeoutMs) {
        LocalTransactionMarkers markers = new LocalTransactionMarkers(partitions, purgatory, Clock.systemUTC(),
                timeoutMs);
        markers.addListener((tp, producerId, commit) -> announced.add(tp + ":" + producerId + ":" + commit));
        return markers;
    }

    private void openTransaction() {
        log().append(MemoryRecords.withTransactionalRecords(Compression.NONE, PRODUCER, (short) 0, 0,
                new SimpleRecord(System.currentTimeMillis(), null, new byte[] {1})), new AppendContext(1, System.currentTimeMillis()));
    }

    private CompletableFuture<Map<TopicPartition, Errors>> commit(LocalTransactionMarkers markers) {
        return markers.writeAllReplicated(PRODUCER, (short) 0, true, 0, List.of(TP));
    }

    @Test
    void onASoleInSyncReplicaTheMarkerIsAcknowledgedAtOnce() throws Exception {
        publish(List.of(NODE), NODE, 1);
        openTransaction();

        CompletableFuture<Map<TopicPartition, Errors>> done = commit(markers(30_000));

        assertEquals(Map.of(TP, Errors.NONE), done.get(0, TimeUnit.SECONDS));
        assertEquals(List.of("t-0:42:true"), announced);
        assertEquals(2, log().lastStableOffset());
    }

    @Test
    void withFollowersTheMarkerWaitsForTheHighWatermark() throws Exception {
        publish(List.of(NODE, 2), NODE, 1);
        openTransaction();
        log().updateHighWatermark(1);

        CompletableFuture<Map<TopicPartition, Errors>> done = commit(markers(30_000));
        assertFalse(done.isDone());
        assertEquals(0, log().lastStableOffset(), "the transaction is unstable until its marker is replicated");

        log().updateHighWatermark(2);
        purgatory.checkAndComplete(TP);

        assertEquals(Map.of(TP, Errors.NONE), done.get(0, TimeUnit.SECONDS));
        assertEquals(2, log().lastStableOffset());
    }

    @Test
    void aMarkerNeverReplicatedTimesOut() throws Exception {
        publish(List.of(NODE, 2), NODE, 1);
        openTransaction();

        Map<TopicPartition, Errors> result = commit(markers(50)).get(10, TimeUnit.SECONDS);

        assertEquals(Map.of(TP, Errors.REQUEST_TIMED_OUT), result);
    }

    @Test
    void aLeaderThatStepsDownAnswersNotLeader() throws Exception {
        publish(List.of(NODE, 2), NODE, 1);
        openTransaction();
        CompletableFuture<Map<TopicPartition, Errors>> done = commit(markers(30_000));

        publish(List.of(2), 2, 2);
        purgatory.checkAndComplete(TP);

        assertEquals(Map.of(TP, Errors.NOT_LEADER_OR_FOLLOWER), done.get(0, TimeUnit.SECONDS));
    }

    @Test
    void aStaleProducerEpochIsRefusedAndNotAnnounced() throws Exception {
        publish(List.of(NODE), NODE, 1);
        log().append(MemoryRecords.withTransactionalRecords(Compression.NONE, PRODUCER, (short) 3, 0,
                new SimpleRecord(System.currentTimeMillis(), null, new byte[] {1})), new AppendContext(1, System.currentTimeMillis()));

        CompletableFuture<Errors> done = markers(30_000).write(PRODUCER, (short) 2, false, 0, List.of(TP));

        assertEquals(Errors.INVALID_PRODUCER_EPOCH, done.get(0, TimeUnit.SECONDS));
        assertEquals(List.of(), announced);
    }
}
