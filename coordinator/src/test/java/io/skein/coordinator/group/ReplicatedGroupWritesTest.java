package io.skein.coordinator.group;

import static io.skein.coordinator.group.CoordinatorFixture.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.skein.coordinator.records.CoordinatorReplication;
import io.skein.coordinator.records.HeldReplication;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** SyncGroup's assignment, DeleteGroups and OffsetDelete are answered once their records are replicated. */
class ReplicatedGroupWritesTest {

    private static final TopicPartition T0 = new TopicPartition("orders", 0);

    private final HeldReplication replication = new HeldReplication();

    private CoordinatorFixture fixture() throws Exception {
        return new CoordinatorFixture(CoordinatorFixture.fastConfig(),
                new CoordinatorReplication(replication, 5_000, 30_000));
    }

    @Test
    void syncGroupHandsOutTheAssignmentOnlyOnceItIsReplicated() throws Exception {
        try (CoordinatorFixture f = fixture()) {
            JoinGroupResponseData leader = await(f.joinNew("g", 5_000));

            CompletableFuture<SyncGroupResponseData> sync = f.sync("g", leader.memberId(), leader.generationId(),
                    Map.of(leader.memberId(), new byte[] {7}));

            assertFalse(sync.isDone(), "answered before the assignment was replicated");
            assertEquals(30_000, replication.held().get(0).timeoutMs(), "request.timeout.ms");
            replication.release(Errors.NONE);
            assertArrayEquals(new byte[] {7}, await(sync).assignment());
        }
    }

    @Test
    void syncGroupWhoseAssignmentIsNotReplicatedIsRetriable() throws Exception {
        try (CoordinatorFixture f = fixture()) {
            JoinGroupResponseData leader = await(f.joinNew("g", 5_000));
            CompletableFuture<SyncGroupResponseData> sync = f.sync("g", leader.memberId(), leader.generationId(),
                    Map.of(leader.memberId(), new byte[] {7}));

            replication.release(Errors.REQUEST_TIMED_OUT);

            assertEquals(Errors.COORDINATOR_NOT_AVAILABLE.code(), await(sync).errorCode());
        }
    }

    @Test
    void deletesAreAnsweredOnceReplicated() throws Exception {
        try (CoordinatorFixture f = fixture()) {
            CompletableFuture<Map<TopicPartition, Errors>> committed = f.coordinator.commitOffsets("a", -1, "", null,
                    (short) 8, List.of(new OffsetCommitEntry(T0, 3, -1, "")));
            replication.release(Errors.NONE);
            await(committed);

            CompletableFuture<GroupCoordinator.DeleteOffsetsResult> offsetDelete = f.coordinator.deleteOffsets("a",
                    List.of(T0));
            assertFalse(offsetDelete.isDone());
            replication.release(Errors.NOT_LEADER_OR_FOLLOWER);
            assertEquals(Errors.NOT_COORDINATOR, await(offsetDelete).error());

            CompletableFuture<Errors> groupDelete = f.coordinator.deleteGroup("a");
            assertFalse(groupDelete.isDone());
            replication.release(Errors.NONE);
            assertEquals(Errors.NONE, await(groupDelete));
        }
    }
}
