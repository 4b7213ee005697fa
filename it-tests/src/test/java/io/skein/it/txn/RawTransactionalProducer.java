package io.skein.it.txn;

import io.skein.it.harness.Clients;
import io.skein.it.harness.RawKafkaConnection;
import io.skein.it.harness.TestBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
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
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

/**
 * A transactional producer played over raw connections to a single-node broker, which is the
 * coordinator of every transactional id: InitProducerId with the transactional id, AddPartitionsToTxn
 * v3 before the first write to a partition, Produce v11 with the transactional id (transactions
 * version 1: the broker checks the partition is in the transaction), EndTxn v4, after which the
 * broker's coordinator writes the markers. The tests choose the batches (sequences, epochs, record
 * timestamps) themselves. Each call opens its own connection, so the producer outlives a broker
 * restart; coordinator answers that only mean "not yet" (loading, moving, markers still being
 * written) are retried up to a deadline.
 */
final class RawTransactionalProducer {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final short FIND_VERSION = 4;
    private static final short INIT_VERSION = 5;
    private static final short ADD_VERSION = 3;
    private static final short PRODUCE_VERSION = 11;
    private static final short END_VERSION = 4;
    private static final Set<Short> NOT_YET = Set.of(Errors.COORDINATOR_LOAD_IN_PROGRESS.code(),
            Errors.NOT_COORDINATOR.code(), Errors.COORDINATOR_NOT_AVAILABLE.code(),
            Errors.CONCURRENT_TRANSACTIONS.code());

    private final TestBroker broker;
    private final String transactionalId;
    private final long producerId;
    private final short epoch;

    private RawTransactionalProducer(TestBroker broker, String transactionalId, long producerId, short epoch) {
        this.broker = broker;
        this.transactionalId = transactionalId;
        this.producerId = producerId;
        this.epoch = epoch;
    }

    /**
     * FindCoordinator for {@code transactionalId} (which creates {@code __transaction_state} on first
     * use), then InitProducerId (a second init of the same id bumps the epoch).
     */
    static RawTransactionalProducer init(TestBroker broker, String transactionalId, int transactionTimeoutMs) {
        FindCoordinatorRequestData find = new FindCoordinatorRequestData()
                .setKeyType(CoordinatorType.TRANSACTION.id()).setCoordinatorKeys(List.of(transactionalId));
        FindCoordinatorResponseData found = (FindCoordinatorResponseData) untilAnswered(broker,
                "FindCoordinator for " + transactionalId, ApiKeys.FIND_COORDINATOR, FIND_VERSION, find,
                r -> ((FindCoordinatorResponseData) r).coordinators().get(0).errorCode());
        if (found.coordinators().get(0).port() != broker.port()) {
            throw new AssertionError("the coordinator of " + transactionalId + " is not the broker: " + found);
        }
        InitProducerIdRequestData request = new InitProducerIdRequestData().setTransactionalId(transactionalId)
                .setTransactionTimeoutMs(transactionTimeoutMs).setProducerId(-1).setProducerEpoch((short) -1);
        InitProducerIdResponseData response = (InitProducerIdResponseData) untilAnswered(broker,
                "InitProducerId for " + transactionalId, ApiKeys.INIT_PRODUCER_ID, INIT_VERSION, request,
                r -> ((InitProducerIdResponseData) r).errorCode());
        if (response.errorCode() != Errors.NONE.code()) {
            throw new AssertionError("InitProducerId for " + transactionalId + ": "
                    + Errors.forCode(response.errorCode()));
        }
        return new RawTransactionalProducer(broker, transactionalId, response.producerId(), response.producerEpoch());
    }

    long producerId() {
        return producerId;
    }

    short epoch() {
        return epoch;
    }

    String transactionalId() {
        return transactionalId;
    }

    /** AddPartitionsToTxn v3 (retried while the previous transaction's markers are written); the partition's error. */
    short add(TopicPartition tp) {
        AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnTopic().setName(tp.topic()).setPartitions(List.of(tp.partition())));
        AddPartitionsToTxnRequestData request = new AddPartitionsToTxnRequestData()
                .setV3AndBelowTransactionalId(transactionalId).setV3AndBelowProducerId(producerId)
                .setV3AndBelowProducerEpoch(epoch).setV3AndBelowTopics(topics);
        AddPartitionsToTxnResponseData response = (AddPartitionsToTxnResponseData) untilAnswered(broker,
                "AddPartitionsToTxn of " + tp + " for " + transactionalId, ApiKeys.ADD_PARTITIONS_TO_TXN,
                ADD_VERSION, request, r -> partitionError((AddPartitionsToTxnResponseData) r, tp));
        return partitionError(response, tp);
    }

    /** Adds {@code tp} to the transaction and fails unless the coordinator accepts it. */
    void begin(TopicPartition tp) {
        short error = add(tp);
        if (error != Errors.NONE.code()) {
            throw new AssertionError("AddPartitionsToTxn of " + tp + " for " + transactionalId + ": "
                    + Errors.forCode(error));
        }
    }

    /** A transactional batch of this producer's id and epoch, from {@code firstSequence}. */
    MemoryRecords batch(int firstSequence, SimpleRecord... records) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, firstSequence, records);
    }

    /** Produce (acks=all) of {@code records} to {@code tp} with the transactional id; the partition's error. */
    short produce(TopicPartition tp, MemoryRecords records) {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(tp.topic()).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(tp.partition()).setRecords(records))));
        ProduceRequestData request = new ProduceRequestData().setTransactionalId(transactionalId).setAcks((short) -1)
                .setTimeoutMs(10_000).setTopicData(topics);
        ProduceResponseData response = (ProduceResponseData) call(broker, ApiKeys.PRODUCE, PRODUCE_VERSION, request);
        return response.responses().iterator().next().partitionResponses().get(0).errorCode();
    }

    /**
     * EndTxn v4: the coordinator has decided once this returns NONE; its markers follow
     * asynchronously (wait for them through the partitions' end offsets).
     */
    short end(boolean commit) {
        EndTxnRequestData request = new EndTxnRequestData().setTransactionalId(transactionalId)
                .setProducerId(producerId).setProducerEpoch(epoch).setCommitted(commit);
        EndTxnResponseData response = (EndTxnResponseData) untilAnswered(broker, "EndTxn for " + transactionalId,
                ApiKeys.END_TXN, END_VERSION, request, r -> ((EndTxnResponseData) r).errorCode());
        return response.errorCode();
    }

    private static short partitionError(AddPartitionsToTxnResponseData response, TopicPartition tp) {
        return response.resultsByTopicV3AndBelow().find(tp.topic()).resultsByPartition().find(tp.partition())
                .partitionErrorCode();
    }

    /** The first answer whose error is not a "not yet" one (or the last one at the deadline). */
    private static ApiMessage untilAnswered(TestBroker broker, String what, ApiKeys api, short version,
                                            Message request, java.util.function.ToIntFunction<ApiMessage> error) {
        ApiMessage[] last = new ApiMessage[1];
        boolean answered = Clients.waitFor(() -> {
            last[0] = call(broker, api, version, request);
            return !NOT_YET.contains((short) error.applyAsInt(last[0]));
        }, TIMEOUT);
        if (!answered) {
            throw new AssertionError("no final answer to " + what + " within " + TIMEOUT.toSeconds() + " s: "
                    + Errors.forCode((short) error.applyAsInt(last[0])));
        }
        return last[0];
    }

    private static ApiMessage call(TestBroker broker, ApiKeys api, short version, Message request) {
        try (RawKafkaConnection c = RawKafkaConnection.open(broker.host(), broker.port(), TIMEOUT)) {
            return c.call(api, version, request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
