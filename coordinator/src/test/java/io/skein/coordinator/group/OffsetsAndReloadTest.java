package io.skein.coordinator.group;

import static io.skein.coordinator.group.CoordinatorFixture.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class OffsetsAndReloadTest {

    private static final TopicPartition T0 = new TopicPartition("orders", 0);
    private static final TopicPartition T1 = new TopicPartition("orders", 1);

    private static Map<TopicPartition, Errors> commit(CoordinatorFixture f, String group, int generation, String member,
                                                      OffsetCommitEntry... entries) {
        return f.coordinator.commitOffsets(group, generation, member, null, (short) 8, List.of(entries)).join();
    }

    @Test
    void commitsSurviveACoordinatorRestartWithMetadataByteForByte() throws Exception {
        try (CoordinatorFixture f = new CoordinatorFixture(CoordinatorFixture.fastConfig())) {
            String metadata = "checkpoint \u00e9\u6f22 " + "x".repeat(100);
            assertEquals(Map.of(T0, Errors.NONE, T1, Errors.NONE), commit(f, "simple", -1, "",
                    new OffsetCommitEntry(T0, 10, 2, metadata), new OffsetCommitEntry(T1, 20, -1, null)));
            assertEquals(Errors.NONE, commit(f, "simple", -1, "", new OffsetCommitEntry(T0, 11, 2, metadata)).get(T0));

            JoinGroupResponseData member = await(f.joinNew("live", 5_000));
            await(f.sync("live", member.memberId(), 1, Map.of(member.memberId(), new byte[] {3})));
            assertEquals(Errors.NONE, commit(f, "live", 1, member.memberId(), new OffsetCommitEntry(T1, 99, 4, "m")).get(T1));

            f.reopen();

            Map<TopicPartition, CommittedOffset> simple = f.coordinator.fetchOffsets("simple", null).offsets();
            assertEquals(11, simple.get(T0).offset());
            assertEquals(2, simple.get(T0).leaderEpoch());
            assertEquals(metadata, simple.get(T0).metadata());
            assertEquals(20, simple.get(T1).offset());
            assertEquals("", simple.get(T1).metadata(), "null metadata reads back as empty, as in Kafka");
            assertEquals(99, f.coordinator.fetchOffsets("live", List.of(T1)).offsets().get(T1).offset());

            // the group came back with its generation, member and assignment
            assertEquals("Stable", f.coordinator.describeGroup("live", (short) 5, 0).groupState());
            assertEquals(Errors.NONE, f.heartbeat("live", member.memberId(), 1));
            assertArrayEquals(new byte[] {3}, await(f.sync("live", member.memberId(), 1, Map.of())).assignment());
        }
    }

    @Test
    void commitsAreCheckedAgainstTheGroup() throws Exception {
        try (CoordinatorFixture f = new CoordinatorFixture(CoordinatorFixture.fastConfig())) {
            JoinGroupResponseData member = await(f.joinNew("g", 5_000));
            await(f.sync("g", member.memberId(), 1, Map.of()));
            OffsetCommitEntry entry = new OffsetCommitEntry(T0, 5, -1, "");
            assertEquals(Errors.ILLEGAL_GENERATION, commit(f, "g", 0, member.memberId(), entry).get(T0));
            assertEquals(Errors.UNKNOWN_MEMBER_ID, commit(f, "g", 1, "stranger", entry).get(T0));
            assertEquals(Errors.UNKNOWN_MEMBER_ID, commit(f, "g", -1, "", entry).get(T0),
                    "a commit from outside the group is refused while it has members");
            assertEquals(Errors.ILLEGAL_GENERATION, commit(f, "unknown-group", 3, "m", entry).get(T0));
            assertEquals(Errors.OFFSET_METADATA_TOO_LARGE, commit(f, "g", 1, member.memberId(),
                    new OffsetCommitEntry(T0, 5, -1, "y".repeat(4097))).get(T0));
            assertTrue(f.coordinator.fetchOffsets("g", null).offsets().isEmpty(), "nothing was stored");
            assertEquals(Errors.NONE, commit(f, "g", 1, member.memberId(), entry).get(T0));
        }
    }

    @Test
    void deletedGroupsAndOffsetsStayDeletedAfterReload() throws Exception {
        try (CoordinatorFixture f = new CoordinatorFixture(CoordinatorFixture.fastConfig())) {
            commit(f, "a", -1, "", new OffsetCommitEntry(T0, 1, -1, ""), new OffsetCommitEntry(T1, 2, -1, ""));
            commit(f, "b", -1, "", new OffsetCommitEntry(T0, 3, -1, ""), new OffsetCommitEntry(T1, 4, -1, ""));
            JoinGroupResponseData member = await(f.joinNew("busy", 5_000));
            await(f.sync("busy", member.memberId(), 1, Map.of()));

            assertEquals(Errors.NONE, f.coordinator.deleteGroup("a").join());
            assertEquals(Errors.GROUP_ID_NOT_FOUND, f.coordinator.deleteGroup("a").join());
            assertEquals(Errors.NON_EMPTY_GROUP, f.coordinator.deleteGroup("busy").join());
            GroupCoordinator.DeleteOffsetsResult deleted = f.coordinator.deleteOffsets("b", List.of(T1)).join();
            assertEquals(Errors.NONE, deleted.error());
            assertEquals(Errors.NONE, deleted.partitions().get(T1));

            f.reopen();
            assertEquals("Dead", f.coordinator.describeGroup("a", (short) 5, 0).groupState());
            assertTrue(f.coordinator.fetchOffsets("a", null).offsets().isEmpty());
            assertEquals(Map.of(T0, 3L), Map.of(T0, f.coordinator.fetchOffsets("b", null).offsets().get(T0).offset()));
            assertEquals(1, f.coordinator.fetchOffsets("b", null).offsets().size());
            assertEquals(List.of("b", "busy"), f.coordinator.listGroups(List.of(), List.of()).groups().stream()
                    .map(g -> g.groupId()).sorted().toList());
            assertEquals(List.of("busy"), f.coordinator.listGroups(List.of("stable"), List.of()).groups().stream()
                    .map(g -> g.groupId()).toList());
        }
    }

    @Test
    void offsetsOfAnIdleGroupExpireAndTheGroupGoesAway() throws Exception {
        GroupConfig fastExpiry = new GroupConfig(100, 60_000, 0, 1000, 300, 100, 4096, 1024 * 1024, 45_000, 500, 1000);
        try (CoordinatorFixture f = new CoordinatorFixture(fastExpiry)) {
            commit(f, "idle", -1, "", new OffsetCommitEntry(T0, 1, -1, ""));
            assertEquals(1, f.coordinator.fetchOffsets("idle", null).offsets().size());
            long deadline = System.currentTimeMillis() + 5_000;
            while (!f.coordinator.fetchOffsets("idle", null).offsets().isEmpty()) {
                assertTrue(System.currentTimeMillis() < deadline, "offsets did not expire");
                CoordinatorFixture.sleep(20);
            }
            while (!f.coordinator.listGroups(List.of(), List.of()).groups().isEmpty()) {
                assertTrue(System.currentTimeMillis() < deadline, "the empty group was not deleted");
                CoordinatorFixture.sleep(20);
            }
            f.reopen();
            assertTrue(f.coordinator.fetchOffsets("idle", null).offsets().isEmpty(), "expiry was written to the log");
        }
    }
}
