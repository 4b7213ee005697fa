package io.skein.coordinator.group;

import static io.skein.coordinator.group.CoordinatorFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.skein.coordinator.records.CoordinatorReplication;
import io.skein.coordinator.records.HeldReplication;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** OffsetCommit and TxnOffsetCommit are answered only once their records are below the high watermark. */
class ReplicatedOffsetCommitTest {

    private static final TopicPartition T0 = new TopicPartition("orders", 0);

    private final HeldReplication replication = new HeldReplication();

    private CoordinatorFixture fixture() throws Exception {
        return new CoordinatorFixture(CoordinatorFixture.fastConfig(),
                new CoordinatorReplication(replication, 5_000, 30_000));
    }

    private static CompletableFuture<Map<TopicPartition, Errors>> commit(CoordinatorFixture f, long offset) {
        return f.coordinator.commitOffsets("simple", -1, "", null, (short) 8,
                List.of(new OffsetCommitEntry(T0, offset, -1, "")));
    }

    @Test
    void answersOnlyOnceTheCommitIsReplicated() throws Exception {
        try (CoordinatorFixture f = fixture()) {
            CompletableFuture<Map<TopicPartition, Errors>> answer = commit(f, 42);

            assertFalse(answer.isDone(), "answered before the in-sync replicas had the offset");
            HeldReplication.Held held = replication.held().get(0);
            assertEquals(f.log().logEndOffset(), held.requiredOffset(), "waits for the end of its own append");
            assertEquals(5_000, held.timeoutMs(), "offsets.commit.timeout.ms");
            replication.release(Errors.NONE);
            assertEquals(Map.of(T0, Errors.NONE), await(answer));
        }
    }

    @Test
    void theShardServesOtherRequestsWhileACommitWaits() throws Exception {
        try (CoordinatorFixture f = fixture()) {
            CompletableFuture<Map<TopicPartition, Errors>> waiting = commit(f, 42);

            CompletableFuture<Map<TopicPartition, Errors>> second = CompletableFuture.supplyAsync(() ->
                    commit(f, 43)).thenCompose(x -> x);
            while (replication.held().size() < 2) {
                CoordinatorFixture.sleep(5);
            }

            assertFalse(waiting.isDone());
            assertFalse(second.isDone());
            replication.release(Errors.NONE);
            assertEquals(Errors.NONE, await(second).get(T0));
        }
    }

    @Test
    void aCommitThatTimesOutIsAnsweredRetriable() throws Exception {
        try (CoordinatorFixture f = fixture()) {
            CompletableFuture<Map<TopicPartition, Errors>> answer = commit(f, 42);

            replication.release(Errors.REQUEST_TIMED_OUT);

            assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, await(answer).get(T0));
        }
    }

    @Test
    void aCommitWhosePartitionLostLeadershipIsAnsweredNotCoordinator() throws Exception {
        try (CoordinatorFixture f = fixture()) {
            CompletableFuture<Map<TopicPartition, Errors>> answer = commit(f, 42);

            replication.release(Errors.NOT_LEADER_OR_FOLLOWER);

            assertEquals(Errors.NOT_COORDINATOR, await(answer).get(T0));
        }
    }

    @Test
    void aShrunkIsrRefusesTheCommitWithoutWritingIt() throws Exception {
        try (CoordinatorFixture f = fixture()) {
            long end = f.log().logEndOffset();
            replication.refuseAppends(Errors.NOT_ENOUGH_REPLICAS);

            Map<TopicPartition, Errors> answer = await(commit(f, 42));

            assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, answer.get(T0));
            assertEquals(end, f.log().logEndOffset(), "nothing appended");
            assertNull(f.coordinator.fetchOffsets("simple", List.of(T0)).offsets().get(T0), "nothing kept in memory");
        }
    }

    @Test
    void aTransactionalCommitIsAnsweredOnceReplicated() throws Exception {
        try (CoordinatorFixture f = fixture()) {
            CompletableFuture<Map<TopicPartition, Errors>> answer = f.coordinator.commitTransactionalOffsets(
                    "simple", 7L, (short) 0, -1, "", null, List.of(new OffsetCommitEntry(T0, 5, -1, "")));

            assertFalse(answer.isDone());
            replication.release(Errors.REQUEST_TIMED_OUT);

            assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, await(answer).get(T0));
        }
    }

    @Test
    void readsShowACommitOnlyOnceItIsReplicated() throws Exception {
        try (CoordinatorFixture f = fixture()) {
            CompletableFuture<Map<TopicPartition, Errors>> first = commit(f, 42);
            assertNull(f.coordinator.fetchOffsets("simple", null).offsets().get(T0), "not replicated yet");
            replication.release(Errors.NONE);
            await(first);
            assertEquals(42, f.coordinator.fetchOffsets("simple", List.of(T0)).offsets().get(T0).offset());

            CompletableFuture<Map<TopicPartition, Errors>> second = commit(f, 50);
            replication.release(Errors.REQUEST_TIMED_OUT);

            assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, await(second).get(T0));
            assertEquals(42, f.coordinator.fetchOffsets("simple", List.of(T0)).offsets().get(T0).offset(),
                    "a commit not known to be replicated stays invisible");
            assertEquals(1, replication.held().size(), "it is awaited again: it is in the leader's log");
            replication.release(Errors.NONE);
            assertEquals(50, f.coordinator.fetchOffsets("simple", List.of(T0)).offsets().get(T0).offset());
        }
    }
}
