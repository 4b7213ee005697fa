package io.skein.it.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.it.harness.Clients;
import io.skein.it.harness.RawKafkaConnection;
import io.skein.it.harness.TestBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Group requests no well-behaved client sends, on a raw socket: each gets the error code Kafka
 * answers with, and the group (and the broker) keep working for the members that behave.
 */
class GroupBadInputTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final short JOIN_V9 = 9;
    private static final short SYNC_V5 = 5;
    private static final short HEARTBEAT_V4 = 4;
    private static final short COMMIT_V9 = 9;

    private static TestBroker broker;
    private static String topic;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start("group-bad-input", Map.of("offsets.topic.num.partitions", "3"));
        topic = broker.topic("group-bad-input");
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            Clients.awaitTopic(admin, topic, 2, Duration.ofSeconds(30));
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, ("r-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** A raw connection to the coordinator of the group, found the way a client finds it. */
    private static RawKafkaConnection connect(String group) throws Exception {
        RawKafkaConnection c = RawKafkaConnection.open(broker.host(), broker.port(), READ_TIMEOUT);
        Clients.await("a coordinator for " + group, Duration.ofSeconds(30), () -> {
            try {
                FindCoordinatorResponseData found = (FindCoordinatorResponseData) c.call(ApiKeys.FIND_COORDINATOR,
                        (short) 4, new FindCoordinatorRequestData().setKeyType(CoordinatorType.GROUP.id())
                                .setCoordinatorKeys(List.of(group)));
                FindCoordinatorResponseData.Coordinator coordinator = found.coordinators().get(0);
                return coordinator.errorCode() == Errors.NONE.code() && coordinator.port() == broker.port();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return c;
    }

    private static byte[] subscription(int padding) {
        ByteBuffer buffer = ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(
                List.of(topic), padding == 0 ? null : ByteBuffer.wrap(new byte[padding])));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static JoinGroupRequestData join(String group, String memberId, byte[] metadata) {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(metadata));
        return new JoinGroupRequestData().setGroupId(group).setMemberId(memberId).setProtocolType("consumer")
                .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(5_000).setProtocols(protocols);
    }

    /** Joins as the first member (KIP-394: the first join only hands out a member id) and returns the answer. */
    private static JoinGroupResponseData joinAsLeader(RawKafkaConnection c, String group, byte[] metadata)
            throws Exception {
        JoinGroupResponseData first = (JoinGroupResponseData) c.call(ApiKeys.JOIN_GROUP, JOIN_V9,
                join(group, "", metadata));
        for (int attempt = 0; attempt < 50 && first.errorCode() == Errors.COORDINATOR_LOAD_IN_PROGRESS.code(); attempt++) {
            Thread.sleep(100);
            first = (JoinGroupResponseData) c.call(ApiKeys.JOIN_GROUP, JOIN_V9, join(group, "", metadata));
        }
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
        JoinGroupResponseData joined = (JoinGroupResponseData) c.call(ApiKeys.JOIN_GROUP, JOIN_V9,
                join(group, first.memberId(), metadata));
        assertEquals(Errors.NONE.code(), joined.errorCode(), "join: " + joined);
        assertEquals(joined.memberId(), joined.leader());
        return joined;
    }

    private static SyncGroupRequestData sync(String group, String memberId, int generation) {
        return new SyncGroupRequestData().setGroupId(group).setMemberId(memberId).setGenerationId(generation)
                .setProtocolType("consumer").setProtocolName("range");
    }

    private static short heartbeat(RawKafkaConnection c, String group, String memberId, int generation)
            throws Exception {
        return ((HeartbeatResponseData) c.call(ApiKeys.HEARTBEAT, HEARTBEAT_V4, new HeartbeatRequestData()
                .setGroupId(group).setMemberId(memberId).setGenerationId(generation))).errorCode();
    }

    private static short commit(RawKafkaConnection c, String group, String memberId, int generation,
                                String topicName) throws Exception {
        OffsetCommitRequestData request = new OffsetCommitRequestData().setGroupId(group).setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation).setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName(topicName).setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(5).setCommittedMetadata("raw")))));
        OffsetCommitResponseData response = (OffsetCommitResponseData) c.call(ApiKeys.OFFSET_COMMIT, COMMIT_V9, request);
        return response.topics().get(0).partitions().get(0).errorCode();
    }

    @Test
    void staleGenerationsUnknownMembersAndMissingTopicsGetKafkasErrorsAndTheGroupCarriesOn() throws Exception {
        String group = "raw-group-" + System.nanoTime();
        try (RawKafkaConnection c = connect(group)) {
            JoinGroupResponseData joined = joinAsLeader(c, group, subscription(0));
            String member = joined.memberId();
            int generation = joined.generationId();

            SyncGroupResponseData stale = (SyncGroupResponseData) c.call(ApiKeys.SYNC_GROUP, SYNC_V5,
                    sync(group, member, generation - 1));
            assertEquals(Errors.ILLEGAL_GENERATION.code(), stale.errorCode());
            SyncGroupResponseData stranger = (SyncGroupResponseData) c.call(ApiKeys.SYNC_GROUP, SYNC_V5,
                    sync(group, "nobody", generation));
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), stranger.errorCode());
            SyncGroupResponseData synced = (SyncGroupResponseData) c.call(ApiKeys.SYNC_GROUP, SYNC_V5,
                    sync(group, member, generation).setAssignments(List.of(new SyncGroupRequestData.SyncGroupRequestAssignment()
                            .setMemberId(member).setAssignment(new byte[] {0, 0}))));
            assertEquals(Errors.NONE.code(), synced.errorCode(), "the member's own sync still works");

            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), heartbeat(c, group, "nobody", generation));
            assertEquals(Errors.ILLEGAL_GENERATION.code(), heartbeat(c, group, member, generation + 7));
            assertEquals(Errors.NONE.code(), heartbeat(c, group, member, generation));

            assertEquals(Errors.ILLEGAL_GENERATION.code(), commit(c, group, member, generation + 1, topic));
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), commit(c, group, "nobody", generation, topic));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                    commit(c, group, member, generation, "no-such-topic-" + System.nanoTime()));
            assertEquals(Errors.NONE.code(), commit(c, group, member, generation, topic));
            assertEquals(Errors.NONE.code(), heartbeat(c, group, member, generation), "still a stable member");

            JoinGroupResponseData badTimeout = (JoinGroupResponseData) c.call(ApiKeys.JOIN_GROUP, JOIN_V9,
                    join(group, "", subscription(0)).setSessionTimeoutMs(10));
            assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), badTimeout.errorCode());
        }
    }

    @Test
    void oversizedProtocolMetadataFailsTheSyncAndTheGroupStillServesWellBehavedMembers() throws Exception {
        String group = "raw-oversized-" + System.nanoTime();
        try (RawKafkaConnection c = connect(group)) {
            JoinGroupResponseData joined = joinAsLeader(c, group, subscription(2 * 1024 * 1024));
            SyncGroupResponseData synced = (SyncGroupResponseData) c.call(ApiKeys.SYNC_GROUP, SYNC_V5,
                    sync(group, joined.memberId(), joined.generationId()));
            // the group record would be larger than the offsets topic accepts: Kafka answers UNKNOWN_SERVER_ERROR
            assertEquals(Errors.UNKNOWN_SERVER_ERROR.code(), synced.errorCode());
        }
        // the raw member vanished; a kafka-clients consumer joins the same group and reads every record
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            Clients.await("every record read in the group", Duration.ofSeconds(60), () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return read.size() >= 20;
            });
            assertEquals(20, read.size());
            consumer.commitSync();
        }
    }

    @Test
    void consumerGroupHeartbeatFromAnUnknownOrFencedMemberIsRefused() throws Exception {
        String group = "raw-kip848-" + System.nanoTime();
        try (RawKafkaConnection c = connect(group)) {
            ConsumerGroupHeartbeatRequestData first = new ConsumerGroupHeartbeatRequestData().setGroupId(group)
                    .setMemberId("raw-member-" + System.nanoTime()).setMemberEpoch(0).setRebalanceTimeoutMs(5_000)
                    .setSubscribedTopicNames(List.of(topic)).setTopicPartitions(List.of());
            ConsumerGroupHeartbeatResponseData joined = (ConsumerGroupHeartbeatResponseData) c.call(
                    ApiKeys.CONSUMER_GROUP_HEARTBEAT, (short) 1, first);
            for (int attempt = 0; attempt < 50 && joined.errorCode() == Errors.COORDINATOR_LOAD_IN_PROGRESS.code();
                 attempt++) {
                Thread.sleep(100);
                joined = (ConsumerGroupHeartbeatResponseData) c.call(ApiKeys.CONSUMER_GROUP_HEARTBEAT, (short) 1, first);
            }
            assertEquals(Errors.NONE.code(), joined.errorCode(), "join: " + joined);

            ConsumerGroupHeartbeatResponseData stranger = (ConsumerGroupHeartbeatResponseData) c.call(
                    ApiKeys.CONSUMER_GROUP_HEARTBEAT, (short) 1, new ConsumerGroupHeartbeatRequestData()
                            .setGroupId(group).setMemberId("nobody").setMemberEpoch(3));
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), stranger.errorCode());

            ConsumerGroupHeartbeatResponseData fenced = (ConsumerGroupHeartbeatResponseData) c.call(
                    ApiKeys.CONSUMER_GROUP_HEARTBEAT, (short) 1, new ConsumerGroupHeartbeatRequestData()
                            .setGroupId(group).setMemberId(joined.memberId()).setMemberEpoch(joined.memberEpoch() + 5));
            assertEquals(Errors.FENCED_MEMBER_EPOCH.code(), fenced.errorCode());
        }
    }
}
