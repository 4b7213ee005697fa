package io.skein.coordinator.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.coordinator.records.CoordinatorReplication;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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
 * The transaction coordinator over a real {@code __transaction_state} partition log: transactions
 * commit and abort through their markers, the state survives a coordinator restart (and a
 * half-completed transaction is completed on load), timed-out transactions are aborted at a
 * bumped epoch, and failed marker writes are retried.
 */
class TransactionCoordinatorTest {

    private static final TopicPartition STATE_0 = new TopicPartition("__transaction_state", 0);
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition B2 = new TopicPartition("b", 2);

    /** One call to write markers; the test decides how it ends. */
    private record MarkerCall(long producerId, short epoch, boolean commit, Collection<TopicPartition> partitions,
                              CompletableFuture<Errors> result) {
    }

    private final LinkedBlockingQueue<MarkerCall> markerCalls = new LinkedBlockingQueue<>();
    private final TransactionMarkers markers = (pid, epoch, commit, coordinatorEpoch, partitions) -> {
        CompletableFuture<Errors> result = new CompletableFuture<>();
        markerCalls.add(new MarkerCall(pid, epoch, commit, List.copyOf(partitions), result));
        return result;
    };
    private final AtomicLong producerIds = new AtomicLong(5000);
    private Path dir;
    private LogRegistry logs;
    private PartitionLog stateLog;
    private TransactionCoordinator coordinator;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("txn-coordinator");
        start(new TransactionConfig(60_000, 604_800_000L, 50L, 3_600_000L, 1 << 20, 50L));
    }

    private void start(TransactionConfig config) throws Exception {
        logs = LogRegistry.open(List.of(dir), LogConfig.defaults());
        stateLog = logs.getOrCreate(STATE_0, Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAA"), LogConfig.defaults());
        coordinator = new TransactionCoordinator(config, Clock.systemUTC(), producerIds::getAndIncrement, markers,
                CoordinatorReplication.immediate());
        coordinator.partitionCount(1);
        coordinator.onElected(0, stateLog, 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // while loading, requests are answered COORDINATOR_LOAD_IN_PROGRESS at once rather than waiting
        while (coordinator.describeTransaction("probe").error() == Errors.COORDINATOR_LOAD_IN_PROGRESS) {
            assertTrue(System.nanoTime() < deadline, "the coordinator did not load");
            Thread.sleep(5);
        }
    }

    private void restart() throws Exception {
        coordinator.close();
        logs.close();
        start(new TransactionConfig(60_000, 604_800_000L, 50L, 3_600_000L, 1 << 20, 50L));
    }

    @AfterEach
    void close() throws Exception {
        coordinator.close();
        logs.close();
    }

    private TransactionCoordinator.InitResult init(String id, int timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            TransactionCoordinator.InitResult r = coordinator.initProducerId(id, timeoutMs, -1, (short) -1).join();
            if (r.error() != Errors.COORDINATOR_LOAD_IN_PROGRESS || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(10);
        }
    }

    /** AddPartitionsToTxn of a client at transactions version 0, answered once committed. */
    private Errors addPartitions(String id, long producerId, short epoch, List<TopicPartition> partitions) {
        return coordinator.addPartitionsCommitted(id, producerId, epoch, partitions, (short) 0).join();
    }

    private MarkerCall nextMarkers() throws InterruptedException {
        MarkerCall call = markerCalls.poll(10, TimeUnit.SECONDS);
        assertTrue(call != null, "markers were written");
        return call;
    }

    private TransactionState awaitState(String id, TransactionState wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        TransactionLogEntry e = coordinator.describeTransaction(id).entry();
        while ((e == null || e.state() != wanted) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            e = coordinator.describeTransaction(id).entry();
        }
        return e == null ? null : e.state();
    }

    @Test
    void aCommitIsDecidedThenItsMarkersWrittenThenItCompletes() throws Exception {
        TransactionCoordinator.InitResult p = init("payments", 30_000);
        assertEquals(Errors.NONE, p.error());
        assertEquals(5000L, p.producerId());
        assertEquals(0, p.producerEpoch());
        assertEquals(Errors.NONE, addPartitions("payments", 5000L, (short) 0, List.of(A0, B2)));
        assertEquals(Errors.NONE, coordinator.endTransaction("payments", 5000L, (short) 0, true).join());
        MarkerCall call = nextMarkers();
        assertTrue(call.commit());
        assertEquals(List.of(A0, B2), List.copyOf(call.partitions()));
        assertEquals(TransactionState.PREPARE_COMMIT, coordinator.describeTransaction("payments").entry().state());
        assertEquals(Errors.CONCURRENT_TRANSACTIONS,
                coordinator.endTransaction("payments", 5000L, (short) 0, true).join());
        call.result().complete(Errors.NONE);
        assertEquals(TransactionState.COMPLETE_COMMIT, awaitState("payments", TransactionState.COMPLETE_COMMIT));
        assertEquals(Errors.NONE, coordinator.endTransaction("payments", 5000L, (short) 0, true).join(),
                "a retried commit");
    }

    /** The implicit add of the produce path for a client at transactions version 2. */
    private CompletableFuture<Errors> implicitAdd(String id, long producerId, short epoch, TopicPartition tp) {
        return coordinator.addPartitionsCommitted(id, producerId, epoch, List.of(tp), TransactionV2Operations.VERSION);
    }

    /** A version 2 transaction of {@code id} on A0, committed and left completing: its markers' call, unanswered. */
    private MarkerCall commitWithMarkersPending(String id, short[] nextEpoch) throws Exception {
        assertEquals(Errors.NONE, init(id, 30_000).error());
        assertEquals(Errors.NONE, implicitAdd(id, 5000L, (short) 0, A0).get(10, TimeUnit.SECONDS));
        TransactionCoordinator.EndResult ended = coordinator.endTransactionV2(id, 5000L, (short) 0, true)
                .get(10, TimeUnit.SECONDS);
        assertEquals(Errors.NONE, ended.error());
        nextEpoch[0] = ended.producerEpoch();
        return nextMarkers();
    }

    @Test
    void anImplicitAddWaitsForThePreviousTransactionToCompleteInsteadOfRefusingIt() throws Exception {
        coordinator.close();
        logs.close();
        start(new TransactionConfig(60_000, 604_800_000L, 50L, 3_600_000L, 1 << 20, 50L, 30_000L));
        short[] epoch = new short[1];
        MarkerCall markers = commitWithMarkersPending("stream", epoch);

        CompletableFuture<Errors> next = implicitAdd("stream", 5000L, epoch[0], B2);

        assertFalse(next.isDone(), "the next transaction's first add waits while the markers are written");
        markers.result().complete(Errors.NONE);
        assertEquals(Errors.NONE, next.get(10, TimeUnit.SECONDS));
        TransactionLogEntry entry = coordinator.describeTransaction("stream").entry();
        assertEquals(TransactionState.ONGOING, entry.state(), "a new transaction, after the completed one");
        assertEquals(Map.of("b", new TreeSet<>(List.of(2))), entry.partitions());
    }

    @Test
    void anImplicitAddIsAnsweredConcurrentTransactionsWhenThePreviousOneDoesNotCompleteInTime() throws Exception {
        short[] epoch = new short[1];
        commitWithMarkersPending("stuck", epoch); // markers never answered; addWaitMaxMs is the default, 100 ms

        CompletableFuture<Errors> next = implicitAdd("stuck", 5000L, epoch[0], B2);

        assertEquals(Errors.CONCURRENT_TRANSACTIONS, next.get(10, TimeUnit.SECONDS));
        assertEquals(TransactionState.PREPARE_COMMIT, coordinator.describeTransaction("stuck").entry().state());
    }

    @Test
    void aVersion1AddDuringTheCompletionIsAnsweredAtOnce() throws Exception {
        init("classic", 30_000);
        addPartitions("classic", 5000L, (short) 0, List.of(A0));
        coordinator.endTransaction("classic", 5000L, (short) 0, true).join();
        nextMarkers(); // never answered

        CompletableFuture<Errors> added = coordinator.addPartitionsCommitted("classic", 5000L, (short) 0, List.of(B2),
                (short) 0);

        assertTrue(added.isDone(), "the client retries AddPartitionsToTxn itself");
        assertEquals(Errors.CONCURRENT_TRANSACTIONS, added.join());
    }

    @Test
    void stateSurvivesARestartAndAHalfCompletedTransactionIsCompletedOnLoad() throws Exception {
        init("orders", 30_000);
        addPartitions("orders", 5000L, (short) 0, List.of(A0));
        coordinator.endTransaction("orders", 5000L, (short) 0, false).join();
        nextMarkers(); // never completed: the coordinator stops with the abort half done
        restart();

        MarkerCall resent = nextMarkers();
        assertEquals(false, resent.commit());
        assertEquals(List.of(A0), List.copyOf(resent.partitions()));
        resent.result().complete(Errors.NONE);
        assertEquals(TransactionState.COMPLETE_ABORT, awaitState("orders", TransactionState.COMPLETE_ABORT));
        TransactionCoordinator.InitResult again = init("orders", 30_000);
        assertEquals(5000L, again.producerId());
        assertEquals(1, again.producerEpoch(), "the epoch came back from the log and was bumped");
    }

    @Test
    void aTransactionOpenPastItsTimeoutIsAbortedAndItsProducerFenced() throws Exception {
        init("slow", 200);
        addPartitions("slow", 5000L, (short) 0, List.of(A0));
        MarkerCall abort = nextMarkers();
        assertEquals(false, abort.commit());
        assertEquals(1, abort.epoch(), "aborted at a bumped epoch");
        abort.result().complete(Errors.NONE);
        assertEquals(TransactionState.COMPLETE_ABORT, awaitState("slow", TransactionState.COMPLETE_ABORT));
        assertEquals(Errors.PRODUCER_FENCED, coordinator.endTransaction("slow", 5000L, (short) 0, true).join());
    }

    @Test
    void failedMarkerWritesAreRetried() throws Exception {
        init("retry", 30_000);
        addPartitions("retry", 5000L, (short) 0, List.of(B2));
        coordinator.endTransaction("retry", 5000L, (short) 0, true).join();
        nextMarkers().result().complete(Errors.NOT_LEADER_OR_FOLLOWER);
        MarkerCall second = nextMarkers();
        assertTrue(second.commit());
        second.result().complete(Errors.NONE);
        assertEquals(TransactionState.COMPLETE_COMMIT, awaitState("retry", TransactionState.COMPLETE_COMMIT));
    }

    @Test
    void requestsThisNodeCannotServeGetKafkasErrors() throws Exception {
        assertEquals(Errors.INVALID_REQUEST, coordinator.initProducerId("", 1_000, -1, (short) -1).join().error());
        assertEquals(Errors.INVALID_TRANSACTION_TIMEOUT,
                coordinator.initProducerId("x", 60_001, -1, (short) -1).join().error());
        coordinator.partitionCount(2);
        String elsewhere = TransactionCoordinator.partitionFor("a", 2) == 1 ? "a" : "b";
        assertEquals(1, TransactionCoordinator.partitionFor(elsewhere, 2));
        assertEquals(Errors.NOT_COORDINATOR,
                coordinator.initProducerId(elsewhere, 1_000, -1, (short) -1).join().error());
        assertEquals(Errors.INVALID_PRODUCER_ID_MAPPING, addPartitions(
                TransactionCoordinator.partitionFor("a", 2) == 0 ? "a" : "b", 1L, (short) 0, List.of(A0)));
        assertEquals(Errors.NOT_COORDINATOR, coordinator.describeTransaction(elsewhere).error());
    }

    @Test
    void anIdleTransactionalIdExpiresAndStaysGoneAfterAReload() throws Exception {
        coordinator.close();
        logs.close();
        TransactionConfig fastExpiry = new TransactionConfig(60_000, 200L, 50L, 50L, 1 << 20, 50L);
        start(fastExpiry);
        assertEquals(Errors.NONE, init("idle", 1_000).error());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (coordinator.describeTransaction("idle").entry() != null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertNull(coordinator.describeTransaction("idle").entry(), "expired after transactional.id.expiration.ms");

        coordinator.close();
        logs.close();
        start(new TransactionConfig(60_000, 604_800_000L, 50L, 3_600_000L, 1 << 20, 50L));

        assertEquals(Errors.TRANSACTIONAL_ID_NOT_FOUND, coordinator.describeTransaction("idle").error(),
                "the tombstone keeps it gone");
    }
}
