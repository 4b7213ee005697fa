package io.skein.it.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.RawKafkaConnection;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OffsetForLeaderEpoch through a raw connection (every version kafka-clients uses): the end of the
 * partition's epoch, -1/-1 for an epoch the log does not know, Kafka's errors for a stale or future
 * current leader epoch and for unknown partitions; and kafka-clients consumers that validate their
 * position with it after a seek carrying a leader epoch: a known epoch keeps the position, an
 * epoch the log never had is truncation (reset by auto.offset.reset, or LogTruncationException);
 * and ListOffsets answers that carry the leader epoch.
 */
class OffsetForLeaderEpochTest {

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(30);
    private static final int RECORDS = 5;
    private static TestBroker broker;
    private static Admin admin;
    private static TopicPartition tp;
    /** The leader epoch stamped into the produced batches, as a consumer sees it. */
    private static int epoch;

    @BeforeAll
    static void startBrokerAndProduce() throws Exception {
        broker = TestBroker.start("leader-epochs");
        admin = Clients.admin(broker.bootstrap());
        tp = new TopicPartition(broker.topic("epochs"), 0);
        admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1))).all().get();
        Clients.awaitTopic(admin, tp.topic(), 1, METADATA_TIMEOUT);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), 0, null, new byte[] {(byte) i})).get();
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            ConsumerRecord<byte[], byte[]> first = pollAtLeast(consumer, 1).get(0);
            epoch = first.leaderEpoch().orElseThrow();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> pollAtLeast(KafkaConsumer<byte[], byte[]> consumer, int n) {
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        long deadline = System.nanoTime() + POLL_TIMEOUT.toNanos();
        while (got.size() < n && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        assertTrue(got.size() >= n, "expected " + n + " records, got " + got.size());
        return got;
    }

    private static EpochEndOffset ask(short version, String topic, int partition, int currentLeaderEpoch,
                                      int leaderEpoch) throws Exception {
        OffsetForLeaderEpochRequestData request = new OffsetForLeaderEpochRequestData()
                .setReplicaId(version >= 3 ? -1 : -2);
        OffsetForLeaderTopic t = new OffsetForLeaderTopic().setTopic(topic);
        t.partitions().add(new OffsetForLeaderPartition().setPartition(partition)
                .setCurrentLeaderEpoch(currentLeaderEpoch).setLeaderEpoch(leaderEpoch));
        request.topics().add(t);
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.host(), broker.port(),
                Duration.ofSeconds(10))) {
            OffsetForLeaderEpochResponseData response = (OffsetForLeaderEpochResponseData) connection.call(
                    ApiKeys.OFFSET_FOR_LEADER_EPOCH, version, request);
            assertEquals(1, response.topics().size());
            assertEquals(topic, response.topics().iterator().next().topic());
            return response.topics().iterator().next().partitions().get(0);
        }
    }

    @Test
    void advertisesEveryVersionKafkaClientsUses() throws Exception {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.host(), broker.port(),
                Duration.ofSeconds(10))) {
            ApiVersionsResponseData versions = (ApiVersionsResponseData) connection.call(ApiKeys.API_VERSIONS,
                    (short) 3, new ApiVersionsRequestData().setClientSoftwareName("it").setClientSoftwareVersion("1"));
            ApiVersionsResponseData.ApiVersion v = versions.apiKeys().find(ApiKeys.OFFSET_FOR_LEADER_EPOCH.id);
            assertEquals(ApiKeys.OFFSET_FOR_LEADER_EPOCH.oldestVersion(), v.minVersion());
            assertEquals(ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion(), v.maxVersion());
        }
    }

    @Test
    void theCurrentEpochEndsAtTheLogEnd() throws Exception {
        for (short version = ApiKeys.OFFSET_FOR_LEADER_EPOCH.oldestVersion();
             version <= ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion(); version++) {
            EpochEndOffset answer = ask(version, tp.topic(), 0, epoch, epoch);

            assertEquals(Errors.NONE.code(), answer.errorCode(), "v" + version);
            assertEquals(epoch, answer.leaderEpoch(), "v" + version);
            assertEquals(RECORDS, answer.endOffset(), "v" + version);
        }
    }

    @Test
    void withoutACurrentEpochTheCheckIsSkipped() throws Exception {
        EpochEndOffset answer = ask((short) 4, tp.topic(), 0, -1, epoch);

        assertEquals(Errors.NONE.code(), answer.errorCode());
        assertEquals(RECORDS, answer.endOffset());
    }

    @Test
    void anEpochAboveTheLatestIsUndefined() throws Exception {
        EpochEndOffset answer = ask((short) 4, tp.topic(), 0, epoch, epoch + 3);

        assertEquals(Errors.NONE.code(), answer.errorCode());
        assertEquals(-1, answer.leaderEpoch());
        assertEquals(-1, answer.endOffset());
    }

    @Test
    void aCurrentEpochAboveThePartitionsIsUnknownLeaderEpoch() throws Exception {
        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), ask((short) 4, tp.topic(), 0, epoch + 1, epoch).errorCode());
    }

    @Test
    void aCurrentEpochBelowThePartitionsIsFencedLeaderEpoch() throws Exception {
        if (epoch == 0) {
            // epoch 0 has no older epoch to be fenced with; -1 means "unknown" and skips the check
            assertEquals(Errors.NONE.code(), ask((short) 4, tp.topic(), 0, -1, 0).errorCode());
            return;
        }
        assertEquals(Errors.FENCED_LEADER_EPOCH.code(), ask((short) 4, tp.topic(), 0, epoch - 1, epoch).errorCode());
    }

    @Test
    void unknownTopicsAndPartitionsAreUnknownTopicOrPartition() throws Exception {
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                ask((short) 4, broker.topic("no-such-topic"), 0, -1, 0).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), ask((short) 4, tp.topic(), 7, -1, 0).errorCode());
    }

    @Test
    void listOffsetsAnswersCarryTheLeaderEpoch() throws Exception {
        ListOffsetsResultInfo earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get();
        ListOffsetsResultInfo latest = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get();

        assertEquals(0, earliest.offset());
        assertEquals(Optional.of(epoch), earliest.leaderEpoch());
        assertEquals(RECORDS, latest.offset());
        assertEquals(Optional.of(epoch), latest.leaderEpoch());
    }

    @Test
    void consumerSeekingWithTheLogsEpochKeepsItsPosition() {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, new OffsetAndMetadata(2, Optional.of(epoch), ""));

            List<ConsumerRecord<byte[], byte[]>> records = pollAtLeast(consumer, RECORDS - 2);

            assertEquals(2, records.get(0).offset());
            assertEquals(Optional.of(epoch), records.get(0).leaderEpoch());
        }
    }

    @Test
    void consumerSeekingWithAnEpochTheLogNeverHadDetectsTruncationAndResets() {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, new OffsetAndMetadata(3, Optional.of(epoch + 5), ""));

            List<ConsumerRecord<byte[], byte[]>> records = pollAtLeast(consumer, RECORDS);

            assertEquals(0, records.get(0).offset());
        }
    }

    @Test
    void consumerWithoutAResetPolicyGetsLogTruncationException() {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, new OffsetAndMetadata(3, Optional.of(epoch + 5), ""));

            assertThrows(LogTruncationException.class, () -> {
                long deadline = System.nanoTime() + POLL_TIMEOUT.toNanos();
                while (System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200));
                }
            });
        }
    }
}
