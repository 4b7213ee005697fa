package io.skein.coordinator.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The KIP-848 consumer protocol: server-side assignment and incremental reconciliation. */
class ConsumerProtocolTest {

    private static final Uuid ORDERS = Uuid.fromString("b2r0Z0PiQ8Kqg0k3y0rD8A");
    private static final Uuid AUDIT = Uuid.fromString("c3r0Z0PiQ8Kqg0k3y0rD8A");
    private static final Map<String, TopicsView.TopicInfo> TOPICS = Map.of(
            "orders", new TopicsView.TopicInfo("orders", ORDERS, 6),
            "audit", new TopicsView.TopicInfo("audit", AUDIT, 2));

    /** The metadata the coordinator reads topics from: a fixed pair of topics. */
    private static final TopicsView FIXED_TOPICS = new TopicsView() {
        @Override
        public Optional<TopicInfo> byName(String name) {
            return Optional.ofNullable(TOPICS.get(name));
        }

        @Override
        public Optional<TopicInfo> byId(Uuid id) {
            return TOPICS.values().stream().filter(t -> t.id().equals(id)).findFirst();
        }
    };

    private CoordinatorFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new CoordinatorFixture(CoordinatorFixture.fastConfig(), FIXED_TOPICS);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    /** A client-side member: what it owns, its epoch, as the Java consumer tracks them. */
    private final class Member {
        final String id = Uuid.randomUuid().toString();
        final String instanceId;
        int epoch;
        Set<Integer> owned = new TreeSet<>();

        Member(String instanceId) {
            this.instanceId = instanceId;
        }

        ConsumerGroupHeartbeatResponseData send(int sendEpoch, boolean full, String assignor) {
            ConsumerGroupHeartbeatRequestData request = new ConsumerGroupHeartbeatRequestData().setGroupId("g")
                    .setMemberId(id).setMemberEpoch(sendEpoch).setInstanceId(instanceId).setServerAssignor(assignor);
            if (sendEpoch == 0 || full) {
                request.setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of("orders"));
                List<ConsumerGroupHeartbeatRequestData.TopicPartitions> ownedWire = new ArrayList<>();
                if (sendEpoch != 0 && !owned.isEmpty()) {
                    ownedWire.add(new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(ORDERS)
                            .setPartitions(new ArrayList<>(owned)));
                }
                request.setTopicPartitions(ownedWire);
            }
            ConsumerGroupHeartbeatResponseData response = f.coordinator.consumerGroupHeartbeat(
                    new ClientInfo("c", "/127.0.0.1", (short) 1), request);
            if (response.errorCode() == Errors.NONE.code()) {
                epoch = response.memberEpoch();
                if (response.assignment() != null) {
                    owned = new TreeSet<>();
                    response.assignment().topicPartitions().forEach(tp -> owned.addAll(tp.partitions()));
                }
            }
            return response;
        }

        ConsumerGroupHeartbeatResponseData join() {
            return send(0, true, null);
        }

        /** A heartbeat that reports what the member owns, as the client does after each change. */
        ConsumerGroupHeartbeatResponseData beat() {
            return send(epoch, true, null);
        }
    }

    private static void assertDisjoint(Member... members) {
        Set<Integer> seen = new HashSet<>();
        for (Member m : members) {
            for (int p : m.owned) {
                assertTrue(seen.add(p), "partition " + p + " is owned twice");
            }
        }
    }

    @Test
    void secondMemberGetsPartitionsOnlyAfterTheFirstRevokesThem() {
        Member a = new Member(null);
        assertEquals(Errors.NONE.code(), a.join().errorCode());
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), a.owned);
        assertEquals(1, a.epoch);

        Member b = new Member(null);
        b.join();
        assertEquals(Set.of(), b.owned, "b waits for a to release partitions");
        assertEquals(2, b.epoch);

        a.beat();
        assertEquals(3, a.owned.size(), "a is told to give up half");
        assertEquals(1, a.epoch, "a keeps its epoch until it revoked");
        assertDisjoint(a, b);

        a.beat(); // acknowledges the revocation by reporting what it still owns
        assertEquals(2, a.epoch);
        b.beat();
        assertEquals(3, b.owned.size());
        assertDisjoint(a, b);
        assertEquals("Stable", describe().groupState());

        assertEquals(Errors.NONE.code(), a.send(-1, false, null).errorCode());
        b.beat();
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), b.owned, "a's partitions move to b after it left");
    }

    @Test
    void staleEpochsAreFencedAndUnknownAssignorsRefused() {
        Member a = new Member(null);
        a.join();
        assertEquals(Errors.FENCED_MEMBER_EPOCH.code(), a.send(a.epoch + 5, false, null).errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), new Member(null).send(3, false, null).errorCode());
        assertEquals(Errors.UNSUPPORTED_ASSIGNOR.code(), new Member(null).send(0, true, "sticky").errorCode());
        ConsumerGroupHeartbeatResponseData noSubscription = f.coordinator.consumerGroupHeartbeat(
                new ClientInfo("c", "/127.0.0.1", (short) 1), new ConsumerGroupHeartbeatRequestData()
                        .setGroupId("g").setMemberId("x").setMemberEpoch(0).setRebalanceTimeoutMs(1000));
        assertEquals(Errors.INVALID_REQUEST.code(), noSubscription.errorCode());
        assertEquals(Errors.NONE.code(), a.beat().errorCode(), "the member is unaffected");
    }

    @Test
    void rangeAssignorGivesContiguousRanges() {
        Member a = new Member(null);
        a.send(0, true, "range");
        Member b = new Member(null);
        b.send(0, true, "range");
        a.beat();
        a.beat();
        b.beat();
        assertDisjoint(a, b);
        Set<Integer> first = a.id.compareTo(b.id) < 0 ? a.owned : b.owned;
        assertEquals(Set.of(0, 1, 2), first);
        assertEquals("range", describe().assignorName());
    }

    @Test
    void staticMemberRestartKeepsItsPartitionsWithoutANewEpoch() {
        Member a = new Member("instance-a");
        Member b = new Member("instance-b");
        a.join();
        b.join();
        a.beat();
        a.beat();
        b.beat();
        Set<Integer> aOwned = Set.copyOf(a.owned);
        int groupEpoch = describe().groupEpoch();

        assertEquals(-2, a.send(-2, false, null).memberEpoch(), "static leave keeps the member's place");
        Member a2 = new Member("instance-a");
        assertEquals(Errors.NONE.code(), a2.join().errorCode());
        assertEquals(aOwned, a2.owned, "the new incarnation gets the old partitions back");
        assertEquals(groupEpoch, describe().groupEpoch(), "no rebalance");
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), a.beat().errorCode(), "the old member id is gone");

        Member intruder = new Member("instance-b");
        assertEquals(Errors.UNRELEASED_INSTANCE_ID.code(), intruder.join().errorCode());
    }

    @Test
    void commitsFromConsumerGroupMembersAreCheckedByEpoch() {
        Member a = new Member(null);
        a.join();
        OffsetCommitEntry entry = new OffsetCommitEntry(new org.apache.kafka.common.TopicPartition("orders", 0), 7, -1, "");
        assertEquals(Errors.NONE, f.coordinator.commitOffsets("g", a.epoch, a.id, null, (short) 9, List.of(entry))
                .join().get(entry.topicPartition()));
        assertEquals(Errors.STALE_MEMBER_EPOCH, f.coordinator.commitOffsets("g", a.epoch - 1, a.id, null, (short) 9,
                List.of(entry)).join().get(entry.topicPartition()));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, f.coordinator.commitOffsets("g", -1, "", null, (short) 9,
                List.of(entry)).join().get(entry.topicPartition()));
        assertNotNull(f.coordinator.fetchOffsets("g", null).offsets().get(entry.topicPartition()));
        assertEquals("consumer", f.coordinator.listGroups(List.of(), List.of("consumer")).groups().get(0).groupType());
        assertEquals(Errors.NON_EMPTY_GROUP, f.coordinator.deleteGroup("g").join());
        a.send(-1, false, null);
        assertEquals(Errors.NONE, f.coordinator.deleteGroup("g").join());
        assertNull(f.coordinator.fetchOffsets("g", null).offsets().get(entry.topicPartition()));
    }

    private ConsumerGroupDescribeResponseData.DescribedGroup describe() {
        return f.coordinator.describeConsumerGroup("g", Integer.MIN_VALUE);
    }
}
