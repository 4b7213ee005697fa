package io.skein.broker.txn;

import io.skein.replication.api.MetadataQuorum;
import io.skein.replication.interbroker.InterBrokerClient;
import io.skein.replication.interbroker.NodeSender;
import io.skein.replication.interbroker.NodeSenders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition leader's side of KIP-890 when the transaction coordinator is another broker: asks
 * it, with the broker-to-broker AddPartitionsToTxn (v4+, several transactions per request), whether
 * a partition is in the producer's ongoing transaction ({@code verify_only}, transactions version
 * 1) or to add it (transactions version 2, whose partitions join only this way). Requests to one
 * coordinator are batched by its {@link NodeSender}, whose FIFO queue keeps the answers for one
 * producer in the order its batches arrived.
 *
 * <p>The answer is the coordinator's error for the partition, as it would answer locally;
 * COORDINATOR_NOT_AVAILABLE when it could not be asked (unreachable, disconnected, timed out) or
 * refused the whole request. Mapping to a produce error is the caller's.
 *
 * <p>Threading: {@link #verify} from any thread (request handlers); futures complete on the
 * coordinator's sender thread.
 */
public final class RemoteTransactionVerifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RemoteTransactionVerifier.class);

    /** One partition to verify or add, for one producer. */
    record Check(String transactionalId, long producerId, short producerEpoch, boolean verifyOnly, TopicPartition tp,
                 CompletableFuture<Errors> result) {
    }

    private final NodeSenders<Check> senders;

    /** @param client how to reach other brokers (the inter-broker listener's settings) */
    public RemoteTransactionVerifier(MetadataQuorum quorum, InterBrokerClient.Settings client) {
        this.senders = new NodeSenders<>(client, quorum, new VerifyExchange(), "txn-verifier");
    }

    /** The coordinator's answer for {@code tp} (see the class comment). */
    public CompletableFuture<Errors> verify(int coordinatorId, String transactionalId, long producerId,
                                            short producerEpoch, TopicPartition tp, boolean verifyOnly) {
        Check check = new Check(transactionalId, producerId, producerEpoch, verifyOnly, tp, new CompletableFuture<>());
        senders.submit(coordinatorId, check);
        return check.result();
    }

    @Override
    public void close() {
        senders.close();
    }

    /**
     * One request entry per transactional id; a check that disagrees with the entry already built for
     * its id (another producer id, epoch or mode: a fenced instance racing the new one) is answered
     * CONCURRENT_TRANSACTIONS, which the producer retries.
     */
    static final class VerifyExchange implements NodeSender.Exchange<Check> {

        @Override
        public AbstractRequest.Builder<?> request(List<Check> batch) {
            Map<String, AddPartitionsToTxnTransaction> byId = new LinkedHashMap<>();
            for (Check c : batch) {
                AddPartitionsToTxnTransaction txn = byId.computeIfAbsent(c.transactionalId(),
                        id -> new AddPartitionsToTxnTransaction().setTransactionalId(id).setProducerId(c.producerId())
                                .setProducerEpoch(c.producerEpoch()).setVerifyOnly(c.verifyOnly())
                                .setTopics(new AddPartitionsToTxnTopicCollection()));
                if (!agrees(txn, c)) {
                    continue;
                }
                AddPartitionsToTxnTopic topic = txn.topics().find(c.tp().topic());
                if (topic == null) {
                    topic = new AddPartitionsToTxnTopic().setName(c.tp().topic());
                    txn.topics().add(topic);
                }
                if (!topic.partitions().contains(c.tp().partition())) {
                    topic.partitions().add(c.tp().partition());
                }
            }
            AddPartitionsToTxnTransactionCollection transactions = new AddPartitionsToTxnTransactionCollection();
            byId.values().forEach(transactions::add);
            return AddPartitionsToTxnRequest.Builder.forBroker(transactions);
        }

        private static boolean agrees(AddPartitionsToTxnTransaction txn, Check c) {
            return txn.producerId() == c.producerId() && txn.producerEpoch() == c.producerEpoch()
                    && txn.verifyOnly() == c.verifyOnly();
        }

        @Override
        public void onResponse(List<Check> batch, AbstractResponse response) {
            AddPartitionsToTxnResponseData data = ((AddPartitionsToTxnResponse) response).data();
            Errors topLevel = Errors.forCode(data.errorCode());
            if (topLevel != Errors.NONE) {
                log.warn("The transaction coordinator refused to verify {} partition(s): {}{}", batch.size(), topLevel,
                        topLevel == Errors.CLUSTER_AUTHORIZATION_FAILED
                                ? " (the inter-broker principal needs CLUSTER_ACTION on the cluster)" : "");
                batch.forEach(c -> c.result().complete(Errors.COORDINATOR_NOT_AVAILABLE));
                return;
            }
            Map<String, AddPartitionsToTxnResponseData.AddPartitionsToTxnResult> results = new LinkedHashMap<>();
            data.resultsByTransaction().forEach(r -> results.put(r.transactionalId(), r));
            Map<String, Check> firstById = new LinkedHashMap<>();
            for (Check c : batch) {
                Check first = firstById.computeIfAbsent(c.transactionalId(), id -> c);
                if (first != c && (first.producerId() != c.producerId() || first.producerEpoch() != c.producerEpoch()
                        || first.verifyOnly() != c.verifyOnly())) {
                    c.result().complete(Errors.CONCURRENT_TRANSACTIONS);
                    continue;
                }
                c.result().complete(partitionError(results.get(c.transactionalId()), c.tp()));
            }
        }

        private static Errors partitionError(AddPartitionsToTxnResponseData.AddPartitionsToTxnResult result,
                                             TopicPartition tp) {
            if (result == null) {
                return Errors.UNKNOWN_SERVER_ERROR;
            }
            var topic = result.topicResults().find(tp.topic());
            var partition = topic == null ? null : topic.resultsByPartition().find(tp.partition());
            return partition == null ? Errors.UNKNOWN_SERVER_ERROR : Errors.forCode(partition.partitionErrorCode());
        }

        @Override
        public void onFailure(List<Check> batch, String reason) {
            log.info("Could not ask the transaction coordinator to verify {} partition(s): {}; the producers retry",
                    batch.size(), reason);
            batch.forEach(c -> c.result().complete(Errors.COORDINATOR_NOT_AVAILABLE));
        }
    }
}
