package io.skein.broker.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.junit.jupiter.api.Test;

class RemoteTransactionVerifierTest {

    private final RemoteTransactionVerifier.VerifyExchange exchange = new RemoteTransactionVerifier.VerifyExchange();
    private final TopicPartition a0 = new TopicPartition("a", 0);
    private final TopicPartition a1 = new TopicPartition("a", 1);
    private final TopicPartition b0 = new TopicPartition("b", 0);

    private static RemoteTransactionVerifier.Check check(String id, long pid, short epoch, boolean verifyOnly,
                                                         TopicPartition tp) {
        return new RemoteTransactionVerifier.Check(id, pid, epoch, verifyOnly, tp, new CompletableFuture<>());
    }

    @Test
    void batchesTheChecksOfOneTransactionalIdIntoOneBrokerEntry() {
        List<RemoteTransactionVerifier.Check> batch = List.of(check("t1", 7, (short) 2, true, a0),
                check("t1", 7, (short) 2, true, a1), check("t2", 8, (short) 0, false, b0));

        AddPartitionsToTxnRequest request = (AddPartitionsToTxnRequest) exchange.request(batch)
                .build(ApiKeys.ADD_PARTITIONS_TO_TXN.latestVersion());

        AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction t1 = request.data().transactions().find("t1");
        assertEquals(7, t1.producerId());
        assertTrue(t1.verifyOnly());
        assertEquals(List.of(0, 1), t1.topics().find("a").partitions());
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction t2 = request.data().transactions().find("t2");
        assertFalse(t2.verifyOnly(), "transactions version 2: the coordinator adds the partition");
        assertEquals(List.of(0), t2.topics().find("b").partitions());
    }

    @Test
    void answersEachCheckWithItsPartitionsErrorAndRefusesAConflictingInstanceOfTheSameId() {
        RemoteTransactionVerifier.Check ok = check("t1", 7, (short) 2, true, a0);
        RemoteTransactionVerifier.Check notInTxn = check("t1", 7, (short) 2, true, a1);
        RemoteTransactionVerifier.Check zombie = check("t1", 7, (short) 1, true, b0);
        List<RemoteTransactionVerifier.Check> batch = List.of(ok, notInTxn, zombie);
        AddPartitionsToTxnTopicResult topic = new AddPartitionsToTxnTopicResult().setName("a");
        topic.resultsByPartition().add(new AddPartitionsToTxnPartitionResult().setPartitionIndex(0)
                .setPartitionErrorCode(Errors.NONE.code()));
        topic.resultsByPartition().add(new AddPartitionsToTxnPartitionResult().setPartitionIndex(1)
                .setPartitionErrorCode(Errors.INVALID_TXN_STATE.code()));
        AddPartitionsToTxnResult t1 = new AddPartitionsToTxnResult().setTransactionalId("t1");
        t1.topicResults().add(topic);
        AddPartitionsToTxnResponseData data = new AddPartitionsToTxnResponseData();
        data.resultsByTransaction().add(t1);

        exchange.onResponse(batch, new AddPartitionsToTxnResponse(data));

        assertEquals(Errors.NONE, ok.result().join());
        assertEquals(Errors.INVALID_TXN_STATE, notInTxn.result().join());
        assertEquals(Errors.CONCURRENT_TRANSACTIONS, zombie.result().join());
    }

    @Test
    void aRefusedRequestOrAFailedExchangeLeavesTheCoordinatorNotAvailable() {
        RemoteTransactionVerifier.Check refused = check("t1", 7, (short) 2, true, a0);
        RemoteTransactionVerifier.Check unreachable = check("t1", 7, (short) 2, true, a1);

        exchange.onResponse(List.of(refused), new AddPartitionsToTxnResponse(new AddPartitionsToTxnResponseData()
                .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())));
        exchange.onFailure(List.of(unreachable), "broker 2 disconnected");

        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, refused.result().join());
        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, unreachable.result().join());
    }
}
