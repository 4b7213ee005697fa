package io.skein.it.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.RawKafkaConnection;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fetch's leader-epoch fields over a raw connection: batches carry the partition's leader epoch,
 * the response fills high watermark, last stable offset and log start offset, a last fetched
 * epoch the leader has is read on, one it never had is OFFSET_OUT_OF_RANGE (Kafka's answer when
 * it cannot place the epoch), and a current leader epoch from the future is UNKNOWN_LEADER_EPOCH.
 */
class FetchLeaderEpochTest {

    private static final short VERSION = ApiKeys.FETCH.latestVersion();
    private static TestBroker broker;
    private static Admin admin;
    private static String topic;
    private static Uuid topicId;

    @BeforeAll
    static void startBrokerAndProduce() throws Exception {
        broker = TestBroker.start("fetch-epochs");
        admin = Clients.admin(broker.bootstrap());
        topic = broker.topic("fetched");
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        topicId = Clients.awaitTopic(admin, topic, 1, Duration.ofSeconds(30)).topicId();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {(byte) i})).get();
            }
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

    private static FetchResponseData.PartitionData fetch(long offset, int currentLeaderEpoch, int lastFetchedEpoch)
            throws Exception {
        FetchRequestData request = new FetchRequestData().setMaxWaitMs(0).setMinBytes(0).setMaxBytes(1 << 20)
                .setIsolationLevel((byte) 0).setSessionEpoch(-1);
        request.topics().add(new FetchRequestData.FetchTopic().setTopicId(topicId).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(offset)
                        .setCurrentLeaderEpoch(currentLeaderEpoch).setLastFetchedEpoch(lastFetchedEpoch)
                        .setPartitionMaxBytes(1 << 20))));
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.host(), broker.port(),
                Duration.ofSeconds(10))) {
            FetchResponseData response = (FetchResponseData) connection.call(ApiKeys.FETCH, VERSION, request);
            return response.responses().get(0).partitions().get(0);
        }
    }

    private static int epochOfFirstBatch() throws Exception {
        FetchResponseData.PartitionData data = fetch(0, -1, -1);
        RecordBatch first = ((MemoryRecords) data.records()).batches().iterator().next();
        return first.partitionLeaderEpoch();
    }

    @Test
    void fillsTheOffsetsOfThePartition() throws Exception {
        FetchResponseData.PartitionData data = fetch(0, -1, -1);

        assertEquals(Errors.NONE.code(), data.errorCode());
        assertEquals(4, data.highWatermark());
        assertEquals(4, data.lastStableOffset());
        assertEquals(0, data.logStartOffset());
        assertTrue(epochOfFirstBatch() >= 0, "batches carry the leader epoch");
    }

    @Test
    void aLastFetchedEpochTheLeaderHasReadsOn() throws Exception {
        int epoch = epochOfFirstBatch();

        FetchResponseData.PartitionData data = fetch(2, epoch, epoch);

        assertEquals(Errors.NONE.code(), data.errorCode());
        assertEquals(-1, data.divergingEpoch().epoch());
        assertTrue(((MemoryRecords) data.records()).sizeInBytes() > 0);
    }

    @Test
    void aLastFetchedEpochTheLeaderNeverHadIsOutOfRange() throws Exception {
        int epoch = epochOfFirstBatch();

        FetchResponseData.PartitionData data = fetch(2, epoch, epoch + 2);

        assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), data.errorCode());
        assertEquals(4, data.highWatermark());
    }

    @Test
    void aCurrentLeaderEpochFromTheFutureIsUnknownLeaderEpoch() throws Exception {
        int epoch = epochOfFirstBatch();

        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), fetch(0, epoch + 1, -1).errorCode());
    }
}
