package io.skein.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.broker.partition.Partitions;
import io.skein.broker.purgatory.Purgatory;
import io.skein.wire.api.RequestContext;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.function.IntFunction;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The errors a produce answers for every partition of a topic before any log is looked at (among
 * them transactional batches without a transactional id the caller may write), and a partition
 * this node does not host. No partition is hosted and no transaction coordinator exists:
 * none of these paths reaches them.
 */
class ProduceHandlerTest {

    private static final short VERSION = 11; // topics by name, transactions version 1

    private final ImageOnlyQuorum quorum = new ImageOnlyQuorum();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Partitions partitions = new Partitions(1, null, c -> null);

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private List<PartitionProduceResponse> produce(Authorization authz, short acks, String topic) throws Exception {
        return produce(authz, acks, topic, null, p -> MemoryRecords.EMPTY);
    }

    private List<PartitionProduceResponse> produce(Authorization authz, short acks, String topic,
                                                   String transactionalId, IntFunction<MemoryRecords> records)
            throws Exception {
        ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(1000)
                .setTransactionalId(transactionalId);
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        for (int p = 0; p < 2; p++) {
            topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(p)
                    .setRecords(records.apply(p)));
        }
        data.topicData().add(topicData);
        RequestContext alice = new RequestContext(new RequestHeader(ApiKeys.PRODUCE, VERSION, "client", 1),
                "SASL_PLAINTEXT", new InetSocketAddress("10.0.0.1", 40000), 1, new KafkaPrincipal("User", "alice"),
                0, null);
        ProduceHandler handler = new ProduceHandler(partitions, quorum, new Purgatory<>(scheduler),
                new Purgatory<>(scheduler), Clock.systemUTC(), authz,
                new TransactionVerification(null, 1, quorum, null));
        ProduceResponseData response = (ProduceResponseData) handler.handle(alice, new ProduceRequest(data, VERSION))
                .get();
        return response.responses().find(topic, Uuid.ZERO_UUID).partitionResponses();
    }

    private static void assertAll(Errors expected, List<PartitionProduceResponse> partitions) {
        assertEquals(2, partitions.size());
        for (PartitionProduceResponse p : partitions) {
            assertEquals(expected.code(), p.errorCode(), "partition " + p.index());
            assertEquals(-1, p.baseOffset());
        }
    }

    @Test
    void answersInvalidRequiredAcksForEveryPartition() throws Exception {
        assertAll(Errors.INVALID_REQUIRED_ACKS, produce(Authorization.disabled(), (short) 2, "orders"));
    }

    @Test
    void refusesATopicTheCallerMayNotWrite() throws Exception {
        quorum.grant("User:alice", AclOperation.WRITE, ResourceType.TOPIC, "audit");

        assertAll(Errors.TOPIC_AUTHORIZATION_FAILED, produce(quorum.acls(), (short) 1, "orders"));
    }

    @Test
    void refusesAppendsToAnInternalTopic() throws Exception {
        List<PartitionProduceResponse> partitions = produce(Authorization.disabled(), (short) -1,
                Topic.TRANSACTION_STATE_TOPIC_NAME);

        assertAll(Errors.INVALID_TOPIC_EXCEPTION, partitions);
        assertEquals("Cannot append to internal topic " + Topic.TRANSACTION_STATE_TOPIC_NAME,
                partitions.get(0).errorMessage());
    }

    private static MemoryRecords transactional(int partition) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, 7L, (short) 0, 0,
                new SimpleRecord(("txn-" + partition).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static MemoryRecords idempotent(int partition) {
        return MemoryRecords.withIdempotentRecords(Compression.NONE, 7L, (short) 0, 0,
                new SimpleRecord(("idem-" + partition).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void refusesTransactionalBatchesWithoutATransactionalId() throws Exception {
        assertAll(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                produce(Authorization.disabled(), (short) 1, "orders", null, ProduceHandlerTest::transactional));
    }

    @Test
    void refusesAWholeRequestWhenOnePartitionHoldsTransactionalBatchesWithoutATransactionalId() throws Exception {
        assertAll(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, produce(Authorization.disabled(), (short) 1,
                "orders", null, p -> p == 0 ? idempotent(p) : transactional(p)));
    }

    @Test
    void refusesTransactionalBatchesWhoseTransactionalIdTheCallerMayNotWrite() throws Exception {
        quorum.grant("User:alice", AclOperation.WRITE, ResourceType.TOPIC, "orders");
        quorum.grant("User:alice", AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, "other-app");

        assertAll(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                produce(quorum.acls(), (short) 1, "orders", "orders-app", ProduceHandlerTest::transactional));
    }

    @Test
    void doesNotCheckTheTransactionalIdOfARequestWithoutTransactionalBatches() throws Exception {
        quorum.grant("User:alice", AclOperation.WRITE, ResourceType.TOPIC, "orders");

        assertAll(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                produce(quorum.acls(), (short) 1, "orders", "orders-app", ProduceHandlerTest::idempotent));
    }

    @Test
    void answersUnknownTopicOrPartitionForAPartitionNoImageKnows() throws Exception {
        assertAll(Errors.UNKNOWN_TOPIC_OR_PARTITION, produce(Authorization.disabled(), (short) 1, "orders"));
    }
}
