package io.skein.coordinator.group;

import static io.skein.coordinator.group.CoordinatorFixture.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClassicGroupProtocolTest {

    private CoordinatorFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new CoordinatorFixture(CoordinatorFixture.fastConfig());
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    /** One member joins, leads, assigns itself, and then heartbeats in a stable group. */
    private JoinGroupResponseData stableSingleMember(String group) {
        JoinGroupResponseData joined = await(f.joinNew(group, 5_000));
        assertEquals(Errors.NONE.code(), joined.errorCode());
        SyncGroupResponseData synced = await(f.sync(group, joined.memberId(), joined.generationId(),
                Map.of(joined.memberId(), new byte[] {9})));
        assertEquals(Errors.NONE.code(), synced.errorCode());
        return joined;
    }

    @Test
    void firstMemberBecomesLeaderAndGetsItsAssignment() {
        JoinGroupResponseData joined = await(f.joinNew("g", 5_000));
        assertEquals(Errors.NONE.code(), joined.errorCode());
        assertEquals(1, joined.generationId());
        assertEquals(joined.memberId(), joined.leader());
        assertEquals("range", joined.protocolName());
        assertEquals(1, joined.members().size());
        assertArrayEquals(new byte[] {1, 2, 3}, joined.members().get(0).metadata());

        SyncGroupResponseData synced = await(f.sync("g", joined.memberId(), 1, Map.of(joined.memberId(), new byte[] {7})));
        assertArrayEquals(new byte[] {7}, synced.assignment());
        assertEquals(Errors.NONE, f.heartbeat("g", joined.memberId(), 1));
        DescribedGroup described = f.coordinator.describeGroup("g", (short) 5, Integer.MIN_VALUE);
        assertEquals("Stable", described.groupState());
        assertEquals("range", described.protocolData());
        assertArrayEquals(new byte[] {7}, described.members().get(0).memberAssignment());
    }

    @Test
    void staleGenerationAndUnknownMembersAreFenced() {
        JoinGroupResponseData joined = stableSingleMember("g");
        assertEquals(Errors.ILLEGAL_GENERATION, f.heartbeat("g", joined.memberId(), 0));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, f.heartbeat("g", "nobody", 1));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, f.heartbeat("no-such-group", "nobody", 1));
        assertEquals(Errors.ILLEGAL_GENERATION.code(),
                await(f.sync("g", joined.memberId(), 7, Map.of())).errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), await(f.join("g", "nobody", 5_000)).errorCode());
        // the group is unharmed
        assertEquals(Errors.NONE, f.heartbeat("g", joined.memberId(), 1));
    }

    @Test
    void secondMemberTriggersRebalanceAndBothAreAnsweredTogether() {
        JoinGroupResponseData a = stableSingleMember("g");
        CompletableFuture<JoinGroupResponseData> bJoin = f.joinNew("g", 5_000);
        assertFalse(bJoin.isDone(), "the newcomer waits for the existing member to rejoin");
        assertEquals(Errors.REBALANCE_IN_PROGRESS, f.heartbeat("g", a.memberId(), 1));

        JoinGroupResponseData aAgain = await(f.join("g", a.memberId(), 5_000));
        JoinGroupResponseData b = await(bJoin);
        assertEquals(2, aAgain.generationId());
        assertEquals(2, b.generationId());
        assertEquals(a.memberId(), aAgain.leader(), "the leader stays the leader");
        assertEquals(2, aAgain.members().size());
        assertTrue(b.members().isEmpty(), "followers get no member list");

        CompletableFuture<SyncGroupResponseData> bSync = f.sync("g", b.memberId(), 2, Map.of());
        assertFalse(bSync.isDone(), "a follower's sync waits for the leader's assignment");
        SyncGroupResponseData aSync = await(f.sync("g", a.memberId(), 2,
                Map.of(a.memberId(), new byte[] {1}, b.memberId(), new byte[] {2})));
        assertArrayEquals(new byte[] {1}, aSync.assignment());
        assertArrayEquals(new byte[] {2}, await(bSync).assignment());
    }

    @Test
    void memberThatDoesNotRejoinIsDroppedAtTheRebalanceTimeout() {
        JoinGroupResponseData a = stableSingleMember("g");
        JoinGroupResponseData b = joinSecond("g", a);
        // a third member arrives; only a rejoins; b stays silent
        CompletableFuture<JoinGroupResponseData> c = f.joinNew("g", 500);
        CompletableFuture<JoinGroupResponseData> aRejoin = f.join("g", a.memberId(), 500);
        JoinGroupResponseData aResult = await(aRejoin);
        assertEquals(Errors.NONE.code(), aResult.errorCode());
        assertEquals(3, aResult.generationId());
        assertEquals(2, aResult.members().size(), "b was removed after the rebalance timeout");
        assertEquals(Errors.NONE.code(), await(c).errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID, f.heartbeat("g", b.memberId(), 2));
    }

    private JoinGroupResponseData joinSecond(String group, JoinGroupResponseData a) {
        CompletableFuture<JoinGroupResponseData> bJoin = f.joinNew(group, 5_000);
        JoinGroupResponseData aAgain = await(f.join(group, a.memberId(), 5_000));
        JoinGroupResponseData b = await(bJoin);
        CompletableFuture<SyncGroupResponseData> bSync = f.sync(group, b.memberId(), b.generationId(), Map.of());
        await(f.sync(group, a.memberId(), aAgain.generationId(), Map.of()));
        await(bSync);
        return b;
    }

    @Test
    void silentMemberIsRemovedWhenItsSessionExpires() {
        JoinGroupResponseData joined = await(f.coordinator.joinGroup(CoordinatorFixture.client((short) 3),
                CoordinatorFixture.joinRequest("g", "", null, 300, 300, "consumer", Map.of("range", new byte[0]))));
        assertEquals(Errors.NONE.code(), joined.errorCode(), "before v4 no member id round trip is needed");
        await(f.sync("g", joined.memberId(), joined.generationId(), Map.of()));
        long deadline = System.currentTimeMillis() + 5_000;
        while (!"Empty".equals(f.coordinator.describeGroup("g", (short) 5, 0).groupState())) {
            assertTrue(System.currentTimeMillis() < deadline, "member was not expired");
            CoordinatorFixture.sleep(20);
        }
        assertEquals(Errors.UNKNOWN_MEMBER_ID, f.heartbeat("g", joined.memberId(), joined.generationId()));
    }

    @Test
    void leaveGroupRebalancesTheRest() {
        JoinGroupResponseData a = stableSingleMember("g");
        JoinGroupResponseData b = joinSecond("g", a);
        LeaveGroupResponseData left = f.coordinator.leaveGroup(CoordinatorFixture.client((short) 5),
                new LeaveGroupRequestData().setGroupId("g").setMembers(java.util.List.of(
                        new LeaveGroupRequestData.MemberIdentity().setMemberId(b.memberId()),
                        new LeaveGroupRequestData.MemberIdentity().setMemberId("ghost"))));
        assertEquals(Errors.NONE.code(), left.members().get(0).errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), left.members().get(1).errorCode());
        assertEquals(Errors.REBALANCE_IN_PROGRESS, f.heartbeat("g", a.memberId(), 2));
        JoinGroupResponseData aAlone = await(f.join("g", a.memberId(), 5_000));
        assertEquals(3, aAlone.generationId());
        assertEquals(1, aAlone.members().size());
    }

    @Test
    void staticMemberComesBackWithoutRebalanceAndOldIdIsFenced() {
        Map<String, byte[]> protocols = Map.of("range", new byte[] {5});
        JoinGroupResponseData first = await(f.coordinator.joinGroup(CoordinatorFixture.client((short) 9),
                CoordinatorFixture.joinRequest("g", "", "instance-1", 10_000, 5_000, "consumer", protocols)));
        assertEquals(Errors.NONE.code(), first.errorCode(), "static members need no member id round trip");
        assertTrue(first.memberId().startsWith("instance-1-"));
        await(f.sync("g", first.memberId(), 1, Map.of(first.memberId(), new byte[] {42})));

        JoinGroupResponseData again = await(f.coordinator.joinGroup(CoordinatorFixture.client((short) 9),
                CoordinatorFixture.joinRequest("g", "", "instance-1", 10_000, 5_000, "consumer", protocols)));
        assertEquals(Errors.NONE.code(), again.errorCode());
        assertEquals(1, again.generationId(), "no new generation");
        assertNotEquals(first.memberId(), again.memberId());
        assertTrue(again.skipAssignment(), "the returning leader keeps the existing assignment");
        SyncGroupResponseData synced = await(f.sync("g", again.memberId(), 1, Map.of()));
        assertArrayEquals(new byte[] {42}, synced.assignment());
        assertEquals("Stable", f.coordinator.describeGroup("g", (short) 5, 0).groupState());

        assertEquals(Errors.FENCED_INSTANCE_ID, f.coordinator.heartbeat(
                new org.apache.kafka.common.message.HeartbeatRequestData().setGroupId("g")
                        .setMemberId(first.memberId()).setGroupInstanceId("instance-1").setGenerationId(1)));
    }

    @Test
    void membersMustShareAProtocolTypeAndProtocol() {
        stableSingleMember("g");
        JoinGroupResponseData connect = await(f.coordinator.joinGroup(CoordinatorFixture.client((short) 9),
                CoordinatorFixture.joinRequest("g", "", null, 10_000, 5_000, "connect", Map.of("range", new byte[0]))));
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), connect.errorCode());
        JoinGroupResponseData other = await(f.coordinator.joinGroup(CoordinatorFixture.client((short) 9),
                CoordinatorFixture.joinRequest("g", "", null, 10_000, 5_000, "consumer", Map.of("roundrobin", new byte[0]))));
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), other.errorCode());
        JoinGroupResponseData badSession = await(f.coordinator.joinGroup(CoordinatorFixture.client((short) 9),
                CoordinatorFixture.joinRequest("g", "", null, 10, 5_000, "consumer", Map.of("range", new byte[0]))));
        assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), badSession.errorCode());
    }

    @Test
    void groupsOnPartitionsThisNodeDoesNotLeadAreRedirected() {
        f.coordinator.partitionCount(2);
        String elsewhere = "g0";
        for (int i = 0; GroupCoordinator.partitionFor(elsewhere, 2) != 1; i++) {
            elsewhere = "g" + i;
        }
        assertEquals(Errors.NOT_COORDINATOR, f.coordinator.coordinatorError(elsewhere));
        assertEquals(Errors.NOT_COORDINATOR.code(), await(f.join(elsewhere, "", 5_000)).errorCode());
        assertEquals(Errors.INVALID_GROUP_ID, f.coordinator.coordinatorError(""));
    }
}
