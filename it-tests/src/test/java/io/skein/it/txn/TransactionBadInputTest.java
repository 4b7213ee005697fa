package io.skein.it.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.it.harness.Clients;
import io.skein.it.harness.RawKafkaConnection;
import io.skein.it.harness.TestBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transaction requests no well-behaved producer sends, on a raw socket: each gets the error code
 * Kafka answers with.
 */
class TransactionBadInputTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final short INIT_V5 = 5;
    private static final short ADD_V3 = 3;
    private static final short END_V4 = 4;

    private static TestBroker broker;
    private static String topic;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start("transaction-bad-input", Map.of("transaction.state.log.num.partitions", "3"));
        topic = broker.topic("txn-bad-input");
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            Clients.awaitTopic(admin, topic, 1, Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** A raw connection to the transaction coordinator of {@code ids}, found the way a producer finds it (batched). */
    private static RawKafkaConnection connect(String... ids) throws Exception {
        RawKafkaConnection c = RawKafkaConnection.open(broker.host(), broker.port(), READ_TIMEOUT);
        Clients.await("a transaction coordinator for " + List.of(ids), Duration.ofSeconds(30), () -> {
            FindCoordinatorResponseData found = (FindCoordinatorResponseData) call(c, ApiKeys.FIND_COORDINATOR,
                    (short) 4, new FindCoordinatorRequestData().setKeyType(CoordinatorType.TRANSACTION.id())
                            .setCoordinatorKeys(List.of(ids)));
            return found.coordinators().size() == ids.length && found.coordinators().stream()
                    .allMatch(k -> k.errorCode() == Errors.NONE.code() && k.port() == broker.port());
        });
        return c;
    }

    private static Object call(RawKafkaConnection c, ApiKeys api, short version,
                               org.apache.kafka.common.protocol.Message body) {
        try {
            return c.call(api, version, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** InitProducerId, retried while the coordinator loads its partition. */
    private static InitProducerIdResponseData init(RawKafkaConnection c, short version, InitProducerIdRequestData data) {
        InitProducerIdResponseData[] last = new InitProducerIdResponseData[1];
        Clients.await("InitProducerId past the coordinator's load", Duration.ofSeconds(30), () -> {
            last[0] = (InitProducerIdResponseData) call(c, ApiKeys.INIT_PRODUCER_ID, version, data);
            return last[0].errorCode() != Errors.COORDINATOR_LOAD_IN_PROGRESS.code()
                    && last[0].errorCode() != Errors.NOT_COORDINATOR.code()
                    && last[0].errorCode() != Errors.CONCURRENT_TRANSACTIONS.code();
        });
        return last[0];
    }

    private static InitProducerIdRequestData initRequest(String id, int timeoutMs) {
        return new InitProducerIdRequestData().setTransactionalId(id).setTransactionTimeoutMs(timeoutMs);
    }

    @Test
    void endTxnFromAnUnknownProducerIdIsInvalidProducerIdMapping() throws Exception {
        try (RawKafkaConnection c = connect("bad-end")) {
            InitProducerIdResponseData ok = init(c, INIT_V5, initRequest("bad-end", 60_000));
            assertEquals(Errors.NONE.code(), ok.errorCode());
            EndTxnResponseData end = (EndTxnResponseData) c.call(ApiKeys.END_TXN, END_V4, new EndTxnRequestData()
                    .setTransactionalId("bad-end").setProducerId(ok.producerId() + 1000)
                    .setProducerEpoch(ok.producerEpoch()).setCommitted(true));
            assertEquals(Errors.INVALID_PRODUCER_ID_MAPPING.code(), end.errorCode());
        }
    }

    @Test
    void addPartitionsWithAStaleEpochIsFenced() throws Exception {
        try (RawKafkaConnection c = connect("bad-epoch")) {
            InitProducerIdResponseData first = init(c, INIT_V5, initRequest("bad-epoch", 60_000));
            InitProducerIdResponseData second = init(c, INIT_V5, initRequest("bad-epoch", 60_000));
            assertEquals(first.producerId(), second.producerId());
            assertEquals(first.producerEpoch() + 1, second.producerEpoch());
            AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
            topics.add(new AddPartitionsToTxnTopic().setName(topic).setPartitions(List.of(0)));
            AddPartitionsToTxnResponseData added = (AddPartitionsToTxnResponseData) c.call(
                    ApiKeys.ADD_PARTITIONS_TO_TXN, ADD_V3, new AddPartitionsToTxnRequestData()
                            .setV3AndBelowTransactionalId("bad-epoch").setV3AndBelowProducerId(first.producerId())
                            .setV3AndBelowProducerEpoch(first.producerEpoch()).setV3AndBelowTopics(topics));
            short error = added.resultsByTopicV3AndBelow().find(topic).resultsByPartition().find(0).partitionErrorCode();
            assertEquals(Errors.PRODUCER_FENCED.code(), error);
        }
    }

    @Test
    void aTimeoutAboveTheMaximumIsRefused() throws Exception {
        try (RawKafkaConnection c = connect("bad-timeout")) {
            InitProducerIdResponseData refused = init(c, INIT_V5, initRequest("bad-timeout", 900_001));
            assertEquals(Errors.INVALID_TRANSACTION_TIMEOUT.code(), refused.errorCode());
            assertEquals(-1, refused.producerId());
        }
    }

    /**
     * Two-phase commit (KIP-939: InitProducerId v6 with keep_prepared_txn) is not implemented:
     * version 6 is not advertised, so no client asks for it (the handler refuses the flags anyway).
     * Transactions version 2 is finalized, beside version 1's APIs.
     */
    @Test
    void twoPhaseCommitIsNotAdvertisedAndTransactionsVersion2Is() throws Exception {
        try (RawKafkaConnection c = connect("bad-2pc")) {
            ApiVersionsResponseData versions = (ApiVersionsResponseData) c.call(ApiKeys.API_VERSIONS, (short) 3,
                    new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1"));
            assertEquals(5, versions.apiKeys().find(ApiKeys.INIT_PRODUCER_ID.id).maxVersion());
            assertEquals(5, versions.apiKeys().find(ApiKeys.END_TXN.id).maxVersion(), "EndTxn v5 is transactions v2");
            assertEquals(2, versions.finalizedFeatures().find("transaction.version").maxVersionLevel());
        }
    }

    /**
     * KIP-890 part 1: a transactional batch for a partition its transaction never added is refused
     * (INVALID_TXN_STATE) and AddPartitionsToTxn v4 {@code verify_only} tells added from not added.
     */
    @Test
    void aTransactionalWriteOutsideTheTransactionIsRefused() throws Exception {
        String other = broker.topic("txn-bad-input-other");
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(other, 1, (short) 1))).all().get();
            Clients.awaitTopic(admin, other, 1, Duration.ofSeconds(30));
        }
        try (RawKafkaConnection c = connect("stray")) {
            InitProducerIdResponseData id = init(c, INIT_V5, initRequest("stray", 60_000));
            AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
            topics.add(new AddPartitionsToTxnTopic().setName(topic).setPartitions(List.of(0)));
            AddPartitionsToTxnResponseData added = (AddPartitionsToTxnResponseData) c.call(
                    ApiKeys.ADD_PARTITIONS_TO_TXN, ADD_V3, new AddPartitionsToTxnRequestData()
                            .setV3AndBelowTransactionalId("stray").setV3AndBelowProducerId(id.producerId())
                            .setV3AndBelowProducerEpoch(id.producerEpoch()).setV3AndBelowTopics(topics));
            assertEquals(Errors.NONE.code(),
                    added.resultsByTopicV3AndBelow().find(topic).resultsByPartition().find(0).partitionErrorCode());

            ProduceRequestData.TopicProduceDataCollection produce = new ProduceRequestData.TopicProduceDataCollection();
            produce.add(new ProduceRequestData.TopicProduceData().setName(other).setPartitionData(List.of(
                    new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(MemoryRecords
                            .withTransactionalRecords(Compression.NONE, id.producerId(), id.producerEpoch(), 0,
                                    new SimpleRecord("stray".getBytes(StandardCharsets.UTF_8)))))));
            ProduceResponseData produced = (ProduceResponseData) c.call(ApiKeys.PRODUCE, (short) 11,
                    new ProduceRequestData().setTransactionalId("stray").setAcks((short) -1).setTimeoutMs(10_000)
                            .setTopicData(produce));
            assertEquals(Errors.INVALID_TXN_STATE.code(),
                    produced.responses().iterator().next().partitionResponses().get(0).errorCode());

            AddPartitionsToTxnTopicCollection both = new AddPartitionsToTxnTopicCollection();
            both.add(new AddPartitionsToTxnTopic().setName(topic).setPartitions(List.of(0)));
            both.add(new AddPartitionsToTxnTopic().setName(other).setPartitions(List.of(0)));
            AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection txns =
                    new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection();
            txns.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction().setTransactionalId("stray")
                    .setProducerId(id.producerId()).setProducerEpoch(id.producerEpoch()).setVerifyOnly(true)
                    .setTopics(both));
            AddPartitionsToTxnResponseData verified = (AddPartitionsToTxnResponseData) c.call(
                    ApiKeys.ADD_PARTITIONS_TO_TXN, (short) 4, new AddPartitionsToTxnRequestData().setTransactions(txns));
            AddPartitionsToTxnResponseData.AddPartitionsToTxnResult result = verified.resultsByTransaction().find("stray");
            assertEquals(Errors.NONE.code(), result.topicResults().find(topic).resultsByPartition().find(0)
                    .partitionErrorCode());
            assertEquals(Errors.INVALID_TXN_STATE.code(), result.topicResults().find(other).resultsByPartition()
                    .find(0).partitionErrorCode());
        }
    }

    /**
     * Transactional batches need a transactional id, as in Kafka: without one every partition of the
     * request is refused with TRANSACTIONAL_ID_AUTHORIZATION_FAILED, even partitions the producer's
     * transaction holds, and nothing is appended; the broker answers the next produce as usual.
     */
    @Test
    void transactionalBatchesWithoutATransactionalIdAreRefused() throws Exception {
        String target = broker.topic("txn-bad-input-no-id");
        List<TopicPartition> partitions = List.of(new TopicPartition(target, 0), new TopicPartition(target, 1));
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(target, 2, (short) 1))).all().get();
            Clients.awaitTopic(admin, target, 2, Duration.ofSeconds(30));
        }
        try (RawKafkaConnection c = connect("no-id")) {
            InitProducerIdResponseData id = init(c, INIT_V5, initRequest("no-id", 60_000));
            AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
            topics.add(new AddPartitionsToTxnTopic().setName(target).setPartitions(List.of(0, 1)));
            AddPartitionsToTxnResponseData added = (AddPartitionsToTxnResponseData) c.call(
                    ApiKeys.ADD_PARTITIONS_TO_TXN, ADD_V3, new AddPartitionsToTxnRequestData()
                            .setV3AndBelowTransactionalId("no-id").setV3AndBelowProducerId(id.producerId())
                            .setV3AndBelowProducerEpoch(id.producerEpoch()).setV3AndBelowTopics(topics));
            for (int p = 0; p < 2; p++) {
                assertEquals(Errors.NONE.code(), added.resultsByTopicV3AndBelow().find(target).resultsByPartition()
                        .find(p).partitionErrorCode());
            }

            List<PartitionProduceResponse> refused = produce(c, target, null, p -> MemoryRecords
                    .withTransactionalRecords(Compression.NONE, id.producerId(), id.producerEpoch(), 0,
                            new SimpleRecord(("no-id-" + p).getBytes(StandardCharsets.UTF_8))));

            assertEquals(2, refused.size());
            for (PartitionProduceResponse p : refused) {
                assertEquals(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code(), p.errorCode(),
                        "partition " + p.index());
                assertEquals(-1, p.baseOffset());
            }
            assertEquals(Map.of(partitions.get(0), 0L, partitions.get(1), 0L), endOffsets(partitions),
                    "nothing appended");
            List<PartitionProduceResponse> plain = produce(c, target, null, p -> MemoryRecords.withRecords(
                    Compression.NONE, new SimpleRecord(("plain-" + p).getBytes(StandardCharsets.UTF_8))));
            for (PartitionProduceResponse p : plain) {
                assertEquals(Errors.NONE.code(), p.errorCode(), "partition " + p.index());
                assertEquals(0, p.baseOffset());
            }
        }
    }

    /**
     * A partition's records must be exactly one batch (INVALID_RECORD otherwise, as in Kafka), so a
     * transactional batch cannot ride unchecked behind a non-transactional first batch, which is
     * all the transactional-id and transaction checks look at. The request's other partitions are
     * appended.
     */
    @Test
    void aTransactionalBatchBehindAnotherBatchOfThePartitionIsRefused() throws Exception {
        String target = broker.topic("txn-bad-input-two-batches");
        List<TopicPartition> partitions = List.of(new TopicPartition(target, 0), new TopicPartition(target, 1));
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(target, 2, (short) 1))).all().get();
            Clients.awaitTopic(admin, target, 2, Duration.ofSeconds(30));
        }
        try (RawKafkaConnection c = connect("two-batches")) {
            InitProducerIdResponseData id = init(c, INIT_V5, initRequest(null, 60_000));
            MemoryRecords idempotent = MemoryRecords.withIdempotentRecords(Compression.NONE, id.producerId(),
                    id.producerEpoch(), 0, new SimpleRecord("first".getBytes(StandardCharsets.UTF_8)));
            MemoryRecords transactional = MemoryRecords.withTransactionalRecords(Compression.NONE, id.producerId(),
                    id.producerEpoch(), 1, new SimpleRecord("behind".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer both = ByteBuffer.allocate(idempotent.sizeInBytes() + transactional.sizeInBytes());
            both.put(idempotent.buffer().duplicate()).put(transactional.buffer().duplicate()).flip();

            MemoryRecords plain = MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord("plain".getBytes(StandardCharsets.UTF_8)));

            List<PartitionProduceResponse> produced = produce(c, target, null,
                    p -> p == 0 ? MemoryRecords.readableRecords(both) : plain);

            assertEquals(Errors.INVALID_RECORD.code(), produced.get(0).errorCode());
            assertEquals(Errors.NONE.code(), produced.get(1).errorCode());
            assertEquals(Map.of(partitions.get(0), 0L, partitions.get(1), 1L), endOffsets(partitions),
                    "nothing appended to the refused partition");
        }
    }

    private static List<PartitionProduceResponse> produce(RawKafkaConnection c, String target, String transactionalId,
                                                          IntFunction<MemoryRecords> records) throws IOException {
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(target);
        for (int p = 0; p < 2; p++) {
            topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(p)
                    .setRecords(records.apply(p)));
        }
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(topicData);
        ProduceResponseData produced = (ProduceResponseData) c.call(ApiKeys.PRODUCE, (short) 11,
                new ProduceRequestData().setTransactionalId(transactionalId).setAcks((short) -1).setTimeoutMs(10_000)
                        .setTopicData(topics));
        return produced.responses().iterator().next().partitionResponses();
    }

    /** The read_uncommitted end offset (high watermark) of each partition. */
    private static Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) throws Exception {
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, Long> out = new java.util.HashMap<>();
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get()
                    .forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }

    @Test
    void batchedFindCoordinatorLocatesEveryTransactionalId() throws Exception {
        try (RawKafkaConnection c = connect("a", "b", "c", "d")) {
            FindCoordinatorResponseData single = (FindCoordinatorResponseData) c.call(ApiKeys.FIND_COORDINATOR,
                    (short) 3, new FindCoordinatorRequestData().setKeyType(CoordinatorType.TRANSACTION.id()).setKey("a"));
            assertEquals(Errors.NONE.code(), single.errorCode());
            assertEquals(broker.port(), single.port());
        }
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            String state = "__transaction_state";
            assertEquals(3, admin.describeTopics(List.of(state)).allTopicNames().get().get(state).partitions().size(),
                    "transaction.state.log.num.partitions");
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, state);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertEquals("compact", config.get("cleanup.policy").value());
            assertEquals("1", config.get("min.insync.replicas").value(),
                    "transaction.state.log.min.isr (2) capped at the replication factor of one node");
        }
    }
}
