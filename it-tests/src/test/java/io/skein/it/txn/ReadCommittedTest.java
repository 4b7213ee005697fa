package io.skein.it.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.RawKafkaConnection;
import io.skein.it.harness.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transaction markers and read_committed reads end to end, with transactional producers played
 * over raw connections ({@link RawTransactionalProducer}: real transactional ids, the partition
 * added before each write, the test choosing batches and sequences) whose transactions the
 * broker's coordinator ends (EndTxn, then its markers), and kafka-clients consumers reading: one
 * producer's transactions are committed, another's aborted, a third's left open. read_committed
 * consumers get exactly the committed records and stop before the open transaction,
 * read_uncommitted ones get every record, ListOffsets answers the last stable offset for
 * read_committed; all of it again after kill -9 and a restart. WriteTxnMarkers is sent raw only
 * where its own refusals are tested (an unknown partition, an older producer epoch).
 */
class ReadCommittedTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Long enough that the coordinator never aborts a test's open transaction on its own (max 15 min). */
    private static final int TXN_TIMEOUT_MS = 600_000;

    private TestBroker broker;
    private Admin admin;
    private String topic;
    private TopicPartition tp;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start("read-committed", Map.of("transaction.state.log.num.partitions", "3"));
        admin = Clients.admin(broker.bootstrap());
        topic = broker.topic("txn");
        tp = new TopicPartition(topic, 0);
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        Clients.awaitTopic(admin, topic, 1, TIMEOUT);
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private RawKafkaConnection connect() throws Exception {
        return RawKafkaConnection.open(broker.host(), broker.port(), TIMEOUT);
    }

    /** An idempotent producer id (InitProducerId without a transactional id), for markers only. */
    private long producerId() throws Exception {
        try (RawKafkaConnection c = connect()) {
            InitProducerIdResponseData response = (InitProducerIdResponseData) c.call(ApiKeys.INIT_PRODUCER_ID,
                    (short) 5, new InitProducerIdRequestData().setTransactionalId(null)
                            .setTransactionTimeoutMs(60_000).setProducerId(-1).setProducerEpoch((short) -1));
            assertEquals(Errors.NONE.code(), response.errorCode());
            return response.producerId();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Records named {@code <name>-0..n-1}, keys and values both. */
    private static SimpleRecord[] records(String name, int count) {
        SimpleRecord[] out = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            out[i] = new SimpleRecord(System.currentTimeMillis(), bytes("k-" + name + "-" + i),
                    bytes("v-" + name + "-" + i));
        }
        return out;
    }

    private RawTransactionalProducer producer(String transactionalId) {
        return RawTransactionalProducer.init(broker, transactionalId, TXN_TIMEOUT_MS);
    }

    /** Adds {@code tp} to the producer's transaction (a no-op when it is in it already) and writes one batch. */
    private void produceTxn(RawTransactionalProducer producer, int firstSeq, SimpleRecord... records) {
        producer.begin(tp);
        assertEquals(Errors.NONE.code(), producer.produce(tp, producer.batch(firstSeq, records)));
    }

    /**
     * EndTxn, then waits until the coordinator's marker is in the partition, at offset
     * {@code markerOffset} (the log end is then one past it).
     */
    private void endTxn(RawTransactionalProducer producer, boolean commit, long markerOffset) throws Exception {
        assertEquals(Errors.NONE.code(), producer.end(commit));
        awaitMarker(markerOffset);
    }

    private void awaitMarker(long markerOffset) {
        Clients.await("the transaction marker at offset " + markerOffset, TIMEOUT, () -> {
            try {
                return latest(IsolationLevel.READ_UNCOMMITTED) == markerOffset + 1;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private short writeMarker(long producerId, short epoch, boolean commit, TopicPartition partition)
            throws Exception {
        WriteTxnMarkersRequestData request = new WriteTxnMarkersRequestData();
        request.markers().add(new WriteTxnMarkersRequestData.WritableTxnMarker().setProducerId(producerId)
                .setProducerEpoch(epoch).setTransactionResult(commit).setCoordinatorEpoch(0)
                .setTopics(List.of(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic().setName(partition.topic())
                        .setPartitionIndexes(List.of(partition.partition())))));
        try (RawKafkaConnection c = connect()) {
            WriteTxnMarkersResponseData response = (WriteTxnMarkersResponseData) c.call(ApiKeys.WRITE_TXN_MARKERS,
                    ApiKeys.WRITE_TXN_MARKERS.latestVersion(), request);
            return response.markers().get(0).topics().get(0).partitions().get(0).errorCode();
        }
    }

    private long latest(IsolationLevel isolation) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(isolation)).all().get()
                .get(tp).offset();
    }

    /** Every record a consumer with the isolation level reads from the start until its end offset (and a bit more). */
    private List<ConsumerRecord<byte[], byte[]>> consume(IsolationLevel isolation) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap(),
                Map.of("isolation.level", isolation.toString().toLowerCase(java.util.Locale.ROOT)))) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
            Clients.await("the " + isolation + " consumer to reach offset " + end, TIMEOUT, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return consumer.position(tp) >= end;
            });
            consumer.poll(Duration.ofMillis(500)).forEach(out::add); // nothing more may show up
        }
        return out;
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private static List<String> values(SimpleRecord[]... groups) {
        List<String> out = new ArrayList<>();
        for (SimpleRecord[] group : groups) {
            for (SimpleRecord r : group) {
                byte[] value = new byte[r.value().remaining()];
                r.value().duplicate().get(value);
                out.add(new String(value, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test
    void readCommittedSeesExactlyTheCommittedRecordsAndStopsAtTheOpenTransaction() throws Exception {
        RawTransactionalProducer committer = producer("rc-committer");
        RawTransactionalProducer aborter = producer("rc-aborter");
        RawTransactionalProducer open = producer("rc-open");
        SimpleRecord[] a1 = records("a1", 3);
        SimpleRecord[] b1 = records("b1", 2);
        SimpleRecord[] a2 = records("a2", 2);
        SimpleRecord[] c1 = records("c1", 2);
        SimpleRecord[] a3 = records("a3", 2);
        produceTxn(committer, 0, a1);          // 0-2
        produceTxn(aborter, 0, b1);            // 3-4
        produceTxn(committer, 3, a2);          // 5-6
        endTxn(committer, true, 7);
        endTxn(aborter, false, 8);
        produceTxn(open, 0, c1);               // 9-10, left open
        produceTxn(committer, 5, a3);          // 11-12, the committer's next transaction
        endTxn(committer, true, 13);

        checkVisibility(a1, b1, a2, c1, a3);

        broker.killAndRestart();
        Clients.awaitTopic(admin, topic, 1, TIMEOUT);

        checkVisibility(a1, b1, a2, c1, a3);
        endTxn(open, true, 14);                // the restarted coordinator still knows the open transaction
        assertEquals(15, latest(IsolationLevel.READ_COMMITTED));
        assertEquals(values(a1, a2, c1, a3), values(consume(IsolationLevel.READ_COMMITTED)));
    }

    private void checkVisibility(SimpleRecord[] a1, SimpleRecord[] b1, SimpleRecord[] a2, SimpleRecord[] c1,
                                 SimpleRecord[] a3) throws Exception {
        assertEquals(9, latest(IsolationLevel.READ_COMMITTED));
        assertEquals(14, latest(IsolationLevel.READ_UNCOMMITTED));
        List<ConsumerRecord<byte[], byte[]>> committed = consume(IsolationLevel.READ_COMMITTED);
        assertEquals(values(a1, a2), values(committed));
        assertArrayEquals(bytes("k-a1-0"), committed.get(0).key());
        assertEquals(List.of(0L, 1L, 2L, 5L, 6L), committed.stream().map(ConsumerRecord::offset).toList());
        assertEquals(values(a1, b1, a2, c1, a3), values(consume(IsolationLevel.READ_UNCOMMITTED)));
    }

    /** A read_committed fetch from offset 0 waiting up to 20 s for one byte. */
    private FetchResponseData.PartitionData longPollReadCommitted(Uuid topicId) {
        return longPoll(topicId, IsolationLevel.READ_COMMITTED);
    }

    private FetchResponseData.PartitionData longPoll(Uuid topicId, IsolationLevel isolation) {
        FetchRequestData request = new FetchRequestData().setMaxWaitMs(20_000).setMinBytes(1).setMaxBytes(1 << 20)
                .setIsolationLevel(isolation.id()).setSessionEpoch(-1);
        request.topics().add(new FetchRequestData.FetchTopic().setTopicId(topicId).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setCurrentLeaderEpoch(-1)
                        .setLastFetchedEpoch(-1).setPartitionMaxBytes(1 << 20))));
        try (RawKafkaConnection c = connect()) {
            FetchResponseData response = (FetchResponseData) c.call(ApiKeys.FETCH, ApiKeys.FETCH.latestVersion(),
                    request);
            return response.responses().get(0).partitions().get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aParkedReadCommittedFetchCompletesWhenTheCommitMarkerMovesTheLastStableOffset() throws Exception {
        RawTransactionalProducer producer = producer("rc-parked");
        produceTxn(producer, 0, records("parked", 2));
        Uuid topicId = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId();
        java.util.concurrent.CompletableFuture<FetchResponseData.PartitionData> fetched =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> longPollReadCommitted(topicId));
        assertFalse(Clients.waitFor(fetched::isDone, Duration.ofSeconds(1)), "nothing is committed yet: the fetch waits");

        long start = System.nanoTime();
        assertEquals(Errors.NONE.code(), producer.end(true));
        FetchResponseData.PartitionData data = fetched.get(15, java.util.concurrent.TimeUnit.SECONDS);

        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "woken by the marker, not the timeout");
        assertEquals(Errors.NONE.code(), data.errorCode());
        assertEquals(3, data.lastStableOffset());
        assertEquals(List.of(), data.abortedTransactions());
        assertTrue(((MemoryRecords) data.records()).sizeInBytes() > 0);
    }

    @Test
    void anAbortedTransactionIsListedForReadCommittedFetchesOnly() throws Exception {
        RawTransactionalProducer producer = producer("rc-dropped");
        produceTxn(producer, 0, records("dropped", 2));
        endTxn(producer, false, 2);
        Uuid topicId = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId();

        FetchResponseData.PartitionData committed = longPollReadCommitted(topicId);

        assertEquals(List.of(new FetchResponseData.AbortedTransaction().setProducerId(producer.producerId())
                        .setFirstOffset(0)),
                committed.abortedTransactions());
        assertEquals(null, longPoll(topicId, IsolationLevel.READ_UNCOMMITTED).abortedTransactions());
        assertEquals(List.of(), values(consume(IsolationLevel.READ_COMMITTED)));
        assertEquals(List.of("v-dropped-0", "v-dropped-1"), values(consume(IsolationLevel.READ_UNCOMMITTED)));
    }

    @Test
    void markersForAnUnknownPartitionAreRefused() throws Exception {
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                writeMarker(producerId(), (short) 0, true, new TopicPartition(broker.topic("no-such-topic"), 0)));
    }

    /** The transaction stays open afterwards (the coordinator would end it only after TXN_TIMEOUT_MS). */
    @Test
    void aMarkerWithAnOlderProducerEpochIsRefused() throws Exception {
        producer("rc-fenced");
        RawTransactionalProducer producer = producer("rc-fenced"); // the second init bumps the epoch
        assertEquals(1, producer.epoch());
        produceTxn(producer, 0, records("fenced", 1));

        assertEquals(Errors.INVALID_PRODUCER_EPOCH.code(),
                writeMarker(producer.producerId(), (short) 0, false, tp));
        assertEquals(0, latest(IsolationLevel.READ_COMMITTED));
    }

    /** From a producer whose transaction holds the partition, so only the batch itself is wrong. */
    @Test
    void aClientMayNotProduceAControlBatch() throws Exception {
        RawTransactionalProducer producer = producer("rc-control");
        producer.begin(tp);
        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(0L, System.currentTimeMillis(), 0,
                producer.producerId(), producer.epoch(), new EndTransactionMarker(ControlRecordType.COMMIT, 0));

        assertEquals(Errors.INVALID_RECORD.code(), producer.produce(tp, marker));
        assertEquals(0, latest(IsolationLevel.READ_UNCOMMITTED));
    }
}
