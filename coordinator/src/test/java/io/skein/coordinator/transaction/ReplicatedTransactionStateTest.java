package io.skein.coordinator.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.coordinator.records.CoordinatorReplication;
import io.skein.coordinator.records.HeldReplication;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transaction coordinator answers, and writes markers, only once its state changes are below
 * the high watermark of {@code __transaction_state} (replication played by {@link HeldReplication}).
 */
class ReplicatedTransactionStateTest {

    private static final TopicPartition STATE_0 = new TopicPartition("__transaction_state", 0);
    private static final TopicPartition A0 = new TopicPartition("a", 0);

    private final HeldReplication replication = new HeldReplication();
    private final LinkedBlockingQueue<CompletableFuture<Errors>> markerCalls = new LinkedBlockingQueue<>();
    private final TransactionMarkers markers = (pid, epoch, commit, coordinatorEpoch, partitions) -> {
        CompletableFuture<Errors> result = new CompletableFuture<>();
        markerCalls.add(result);
        return result;
    };
    private final AtomicLong producerIds = new AtomicLong(5000);
    private LogRegistry logs;
    private TransactionCoordinator coordinator;

    @BeforeEach
    void open() throws Exception {
        Path dir = Files.createTempDirectory("txn-replicated");
        logs = LogRegistry.open(List.of(dir), LogConfig.defaults());
        PartitionLog stateLog = logs.getOrCreate(STATE_0, Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAA"),
                LogConfig.defaults());
        coordinator = new TransactionCoordinator(new TransactionConfig(60_000, 604_800_000L, 60_000L, 3_600_000L,
                1 << 20, 50L), Clock.systemUTC(), producerIds::getAndIncrement, markers,
                new CoordinatorReplication(replication, 5_000, 30_000));
        coordinator.partitionCount(1);
        coordinator.onElected(0, stateLog, 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (coordinator.describeTransaction("probe").error() == Errors.COORDINATOR_LOAD_IN_PROGRESS) {
            assertTrue(System.nanoTime() < deadline, "the coordinator did not load");
            Thread.sleep(5);
        }
    }

    @AfterEach
    void close() {
        coordinator.close();
        logs.close();
    }

    private static <T> T now(CompletableFuture<T> answer) throws Exception {
        return answer.get(10, TimeUnit.SECONDS);
    }

    /** InitProducerId and AddPartitionsToTxn, each replicated at once. */
    private void openTransaction(String id) throws Exception {
        CompletableFuture<TransactionCoordinator.InitResult> init = coordinator.initProducerId(id, 30_000, -1,
                (short) -1);
        assertFalse(init.isDone(), "InitProducerId waits for its epoch to be replicated");
        replication.release(Errors.NONE);
        assertEquals(Errors.NONE, now(init).error());
        CompletableFuture<Errors> added = coordinator.addPartitionsCommitted(id, 5000L, (short) 0, List.of(A0),
                (short) 0);
        assertFalse(added.isDone(), "AddPartitionsToTxn waits for the new partitions to be replicated");
        replication.release(Errors.NONE);
        assertEquals(Errors.NONE, now(added));
    }

    @Test
    void everyWriteTellsReplicationItAppendedSoTheFollowersFetchItAtOnce() throws Exception {
        CompletableFuture<TransactionCoordinator.InitResult> init = coordinator.initProducerId("eager", 30_000, -1,
                (short) -1);

        assertEquals(List.of(STATE_0), replication.appended(), "InitProducerId's epoch was appended");
        assertFalse(init.isDone(), "and still waits for its replication");
        replication.release(Errors.NONE);
        assertEquals(Errors.NONE, now(init).error());
    }

    @Test
    void endTxnIsAnsweredAndItsMarkersWrittenOnlyOnceThePrepareIsReplicated() throws Exception {
        openTransaction("payments");

        CompletableFuture<Errors> ended = coordinator.endTransaction("payments", 5000L, (short) 0, true);

        assertFalse(ended.isDone());
        assertNull(markerCalls.poll(200, TimeUnit.MILLISECONDS), "no marker before PrepareCommit is replicated");
        replication.release(Errors.NONE);
        assertEquals(Errors.NONE, now(ended));
        CompletableFuture<Errors> marker = markerCalls.poll(10, TimeUnit.SECONDS);
        assertTrue(marker != null, "markers written once PrepareCommit is replicated");
    }

    @Test
    void aPrepareThatTimesOutIsAnsweredRetriableAndItsMarkersWaitForTheReplicas() throws Exception {
        openTransaction("slow");

        CompletableFuture<Errors> ended = coordinator.endTransaction("slow", 5000L, (short) 0, true);
        long held = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (replication.held().isEmpty()) { // one wait, for the client's answer and the markers
            assertTrue(System.nanoTime() < held, "EndTxn waits for its PrepareCommit to be replicated");
            Thread.sleep(5);
        }
        replication.release(Errors.REQUEST_TIMED_OUT);

        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, now(ended));
        assertNull(markerCalls.poll(200, TimeUnit.MILLISECONDS), "no marker while PrepareCommit is not replicated");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (replication.held().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        replication.release(Errors.NONE); // the markers' renewed wait ends
        assertTrue(markerCalls.poll(10, TimeUnit.SECONDS) != null, "markers written once it is replicated");
    }

    @Test
    void aPrepareWhosePartitionLostLeadershipIsAnsweredNotCoordinatorWithoutMarkers() throws Exception {
        openTransaction("moved");

        CompletableFuture<Errors> ended = coordinator.endTransaction("moved", 5000L, (short) 0, false);
        coordinator.onResigned(0);
        replication.release(Errors.NOT_LEADER_OR_FOLLOWER);

        assertEquals(Errors.NOT_COORDINATOR, now(ended));
        assertNull(markerCalls.poll(200, TimeUnit.MILLISECONDS), "the next leader writes the markers");
    }

    @Test
    void initProducerIdThatCannotBeReplicatedIsRetriable() throws Exception {
        CompletableFuture<TransactionCoordinator.InitResult> init = coordinator.initProducerId("new", 30_000, -1,
                (short) -1);

        replication.release(Errors.REQUEST_TIMED_OUT);

        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, now(init).error());
    }

    @Test
    void aShrunkIsrRefusesAStateChangeBeforeWritingIt() throws Exception {
        replication.refuseAppends(Errors.NOT_ENOUGH_REPLICAS);

        TransactionCoordinator.InitResult init = now(coordinator.initProducerId("refused", 30_000, -1, (short) -1));

        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, init.error());
        assertTrue(replication.held().isEmpty(), "nothing written, nothing to wait for");
    }
}
