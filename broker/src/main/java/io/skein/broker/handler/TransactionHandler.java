package io.skein.broker.handler;

import io.skein.coordinator.group.GroupCoordinator;
import io.skein.coordinator.transaction.TransactionCoordinator;
import io.skein.coordinator.transaction.TransactionV2Operations;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The transactional producer's requests to its transaction coordinator (first transactions
 * protocol): AddPartitionsToTxn (client versions 0-3; versions 4-5 are the partition leaders'
 * batched form, with KIP-890's {@code verify_only}), AddOffsetsToTxn and EndTxn (versions 0-4);
 * and EndTxn v5 of transactions version 2 (KIP-890 part 2), which bumps the epoch at every end.
 * With ACLs, as in Kafka: WRITE on the transactional id for all three
 * (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); WRITE on each added topic (TOPIC_AUTHORIZATION_FAILED,
 * the other partitions OPERATION_NOT_ATTEMPTED); READ on the group for AddOffsetsToTxn
 * (GROUP_AUTHORIZATION_FAILED).
 *
 * <p>Stateless; safe from any request thread (the coordinator locks its shards).
 */
public final class TransactionHandler implements RequestHandler {

    private final TransactionCoordinator coordinator;
    private final MetadataQuorum quorum;
    private final InternalTopic offsetsTopic;
    private final Authorization authz;

    public TransactionHandler(TransactionCoordinator coordinator, MetadataQuorum quorum, InternalTopic offsetsTopic,
                              Authorization authz) {
        this.coordinator = coordinator;
        this.quorum = quorum;
        this.offsetsTopic = offsetsTopic;
        this.authz = authz;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ApiKeys api = context.header().apiKey();
        return switch (api) {
            case ADD_PARTITIONS_TO_TXN -> addPartitions(context, ((AddPartitionsToTxnRequest) request).data());
            case ADD_OFFSETS_TO_TXN -> addOffsets(context, ((AddOffsetsToTxnRequest) request).data());
            case END_TXN -> endTxn(context, ((EndTxnRequest) request).data());
            default -> throw new IllegalArgumentException("TransactionHandler does not serve " + api);
        };
    }

    /** Versions 0-3 are answered once the transaction's new partitions are replicated in {@code __transaction_state}. */
    private CompletableFuture<ApiMessage> addPartitions(RequestContext context, AddPartitionsToTxnRequestData data) {
        short version = context.apiVersion();
        if (version >= 4) {
            return addPartitionsBatched(context, data);
        }
        String transactionalId = data.v3AndBelowTransactionalId();
        Map<TopicPartition, Errors> refused = new HashMap<>();
        List<TopicPartition> all = new ArrayList<>();
        MetadataImage image = quorum.image();
        boolean idAllowed = authz.authorize(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId);
        for (AddPartitionsToTxnTopic topic : data.v3AndBelowTopics()) {
            boolean writable = idAllowed && authz.authorize(context, AclOperation.WRITE, ResourceType.TOPIC, topic.name());
            for (int partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), partition);
                all.add(tp);
                if (!idAllowed) {
                    refused.put(tp, Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
                } else if (!writable) {
                    refused.put(tp, Errors.TOPIC_AUTHORIZATION_FAILED);
                } else if (image.partition(tp).isEmpty() || Topic.isInternal(tp.topic())) {
                    refused.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
                }
            }
        }
        Map<TopicPartition, Errors> results = new HashMap<>();
        if (!refused.isEmpty()) {
            all.forEach(tp -> results.put(tp, refused.getOrDefault(tp, Errors.OPERATION_NOT_ATTEMPTED)));
            return CompletableFuture.completedFuture(
                    new AddPartitionsToTxnResponseData().setResultsByTopicV3AndBelow(topicResults(results)));
        }
        return coordinator.addPartitionsCommitted(transactionalId, data.v3AndBelowProducerId(),
                data.v3AndBelowProducerEpoch(), all, (short) 0).thenApply(added -> {
                    Errors error = TransactionErrors.forVersion(added, version, 2);
                    all.forEach(tp -> results.put(tp, error));
                    return new AddPartitionsToTxnResponseData().setResultsByTopicV3AndBelow(topicResults(results));
                });
    }

    /**
     * Versions 4+, sent by partition leaders (CLUSTER_ACTION, else CLUSTER_AUTHORIZATION_FAILED):
     * several transactions at once, each either verified ({@code verify_only}, KIP-890 part 1) or
     * added to (answered once the additions are replicated in {@code __transaction_state}).
     */
    private CompletableFuture<ApiMessage> addPartitionsBatched(RequestContext context,
                                                               AddPartitionsToTxnRequestData data) {
        AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData();
        if (!authz.authorizeCluster(context, AclOperation.CLUSTER_ACTION)) {
            return CompletableFuture.completedFuture(
                    response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code()));
        }
        List<CompletableFuture<AddPartitionsToTxnResponseData.AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction txn : data.transactions()) {
            List<TopicPartition> partitions = new ArrayList<>();
            txn.topics().forEach(t -> t.partitions().forEach(p -> partitions.add(new TopicPartition(t.name(), p))));
            CompletableFuture<Map<TopicPartition, Errors>> outcome;
            if (txn.verifyOnly()) {
                outcome = CompletableFuture.completedFuture(coordinator.verifyPartitions(txn.transactionalId(),
                        txn.producerId(), txn.producerEpoch(), partitions));
            } else {
                // only a leader serving a client of transactions version 2 adds partitions this way
                outcome = coordinator.addPartitionsCommitted(txn.transactionalId(), txn.producerId(),
                        txn.producerEpoch(), partitions, TransactionV2Operations.VERSION).thenApply(error -> {
                            Map<TopicPartition, Errors> each = new HashMap<>();
                            partitions.forEach(tp -> each.put(tp, error));
                            return each;
                        });
            }
            results.add(outcome.thenApply(each -> new AddPartitionsToTxnResponseData.AddPartitionsToTxnResult()
                    .setTransactionalId(txn.transactionalId()).setTopicResults(topicResults(each))));
        }
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            results.forEach(r -> response.resultsByTransaction().add(r.join()));
            return response.setErrorCode(Errors.NONE.code());
        });
    }

    private static AddPartitionsToTxnTopicResultCollection topicResults(Map<TopicPartition, Errors> results) {
        AddPartitionsToTxnTopicResultCollection topics = new AddPartitionsToTxnTopicResultCollection();
        results.forEach((tp, error) -> {
            AddPartitionsToTxnTopicResult topic = topics.find(tp.topic());
            if (topic == null) {
                topic = new AddPartitionsToTxnTopicResult().setName(tp.topic());
                topics.add(topic);
            }
            topic.resultsByPartition().add(new AddPartitionsToTxnPartitionResult().setPartitionIndex(tp.partition())
                    .setPartitionErrorCode(error.code()));
        });
        return topics;
    }

    private CompletableFuture<ApiMessage> addOffsets(RequestContext context, AddOffsetsToTxnRequestData data) {
        short version = context.apiVersion();
        if (!authz.authorize(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, data.transactionalId())) {
            return answer(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        }
        if (!authz.authorize(context, AclOperation.READ, ResourceType.GROUP, data.groupId())) {
            return answer(Errors.GROUP_AUTHORIZATION_FAILED);
        }
        // the group's offsets partition joins the transaction, so its marker reaches the group coordinator
        return offsetsTopic.ensureExists().handle((image, failure) -> {
            int partitions = failure == null ? image.topic(offsetsTopic.name())
                    .map(t -> t.partitions().size()).orElse(0) : 0;
            if (partitions <= 0) {
                return answer(Errors.COORDINATOR_NOT_AVAILABLE);
            }
            TopicPartition offsets = new TopicPartition(offsetsTopic.name(),
                    GroupCoordinator.partitionFor(data.groupId(), partitions));
            return coordinator.addPartitionsCommitted(data.transactionalId(), data.producerId(), data.producerEpoch(),
                    List.of(offsets), (short) 0).thenApply(error -> (ApiMessage) new AddOffsetsToTxnResponseData()
                            .setErrorCode(TransactionErrors.forVersion(error, version, 2).code()));
        }).thenCompose(answer -> answer);
    }

    private static CompletableFuture<ApiMessage> answer(Errors error) {
        return CompletableFuture.completedFuture(new AddOffsetsToTxnResponseData().setErrorCode(error.code()));
    }

    /** Answered once the PrepareCommit/PrepareAbort is replicated in {@code __transaction_state}. */
    private CompletableFuture<ApiMessage> endTxn(RequestContext context, EndTxnRequestData data) {
        if (!authz.authorize(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, data.transactionalId())) {
            return CompletableFuture.completedFuture(
                    new EndTxnResponseData().setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
        }
        if (context.apiVersion() >= 5) {
            // transactions version 2: the epoch is bumped, and a fenced producer is told INVALID_PRODUCER_EPOCH
            return coordinator.endTransactionV2(data.transactionalId(), data.producerId(), data.producerEpoch(),
                    data.committed()).thenApply(result -> {
                        Errors error = result.error() == Errors.PRODUCER_FENCED ? Errors.INVALID_PRODUCER_EPOCH
                                : result.error();
                        return new EndTxnResponseData().setErrorCode(error.code()).setProducerId(result.producerId())
                                .setProducerEpoch(result.producerEpoch());
                    });
        }
        short version = context.apiVersion();
        return coordinator.endTransaction(data.transactionalId(), data.producerId(), data.producerEpoch(),
                data.committed()).thenApply(error -> new EndTxnResponseData()
                        .setErrorCode(TransactionErrors.forVersion(error, version, 2).code()));
    }
}
