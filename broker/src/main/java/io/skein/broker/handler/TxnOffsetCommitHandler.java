package io.skein.broker.handler;

import io.skein.coordinator.group.GroupCoordinator;
import io.skein.coordinator.group.OffsetCommitEntry;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import io.skein.wire.api.RequestContext;
import io.skein.wire.api.RequestHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * TxnOffsetCommit (versions 0-5, topics by name): a transactional producer commits a group's
 * offsets inside its transaction; the group coordinator holds them until the transaction's marker.
 * From version 5 (transactions version 2) the group's offsets partition joins the transaction
 * here, as no AddOffsetsToTxn precedes it: asked of the producer's transaction coordinator, on
 * this node or another ({@link TransactionVerification#ask}).
 * With ACLs, as in Kafka: WRITE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED),
 * READ on the group (GROUP_AUTHORIZATION_FAILED) and READ on each topic
 * (TOPIC_AUTHORIZATION_FAILED); topics that do not exist get UNKNOWN_TOPIC_OR_PARTITION.
 *
 * <p>Stateless; safe from any request thread. The answer follows a remote coordinator's on the
 * thread that brought it.
 */
public final class TxnOffsetCommitHandler implements RequestHandler {

    /** TxnOffsetCommit v5: the client uses transactions version 2 and sent no AddOffsetsToTxn. */
    private static final short FIRST_V2_VERSION = 5;

    private final GroupCoordinator coordinator;
    private final TransactionVerification transactions;
    private final MetadataQuorum quorum;
    private final Authorization authz;

    /** @param transactions reaches the producer's transaction coordinator, on this node or another */
    public TxnOffsetCommitHandler(GroupCoordinator coordinator, TransactionVerification transactions,
                                  MetadataQuorum quorum, Authorization authz) {
        this.coordinator = coordinator;
        this.transactions = transactions;
        this.quorum = quorum;
        this.authz = authz;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        TxnOffsetCommitRequestData data = ((TxnOffsetCommitRequest) request).data();
        if (!authz.authorize(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, data.transactionalId())) {
            return CompletableFuture.completedFuture(
                    Authorization.refused(request, Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
        }
        if (!authz.authorize(context, AclOperation.READ, ResourceType.GROUP, data.groupId())) {
            return CompletableFuture.completedFuture(Authorization.refused(request, Errors.GROUP_AUTHORIZATION_FAILED));
        }
        MetadataImage image = quorum.image();
        List<OffsetCommitEntry> entries = new ArrayList<>();
        List<Errors> topicErrors = new ArrayList<>();
        for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic topic : data.topics()) {
            Errors error = !authz.authorize(context, AclOperation.READ, ResourceType.TOPIC, topic.name())
                    ? Errors.TOPIC_AUTHORIZATION_FAILED
                    : image.topic(topic.name()).isEmpty() ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.NONE;
            topicErrors.add(error);
            if (error != Errors.NONE) {
                continue;
            }
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : topic.partitions()) {
                entries.add(new OffsetCommitEntry(new TopicPartition(topic.name(), p.partitionIndex()),
                        p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata()));
            }
        }
        CompletableFuture<Errors> joined = entries.isEmpty() || context.apiVersion() < FIRST_V2_VERSION
                ? CompletableFuture.completedFuture(Errors.NONE) : joinTransaction(data, image);
        // joined at once unless the transaction coordinator is another broker (then on the thread of its answer)
        return joined.thenCompose(error -> commit(data, entries, error))
                .thenApply(r -> response(data, topicErrors, r));
    }

    private CompletableFuture<Map<TopicPartition, Errors>> commit(TxnOffsetCommitRequestData data,
                                                                  List<OffsetCommitEntry> entries, Errors joined) {
        CompletableFuture<Map<TopicPartition, Errors>> results;
        if (joined != Errors.NONE) {
            Map<TopicPartition, Errors> failed = new java.util.HashMap<>();
            entries.forEach(e -> failed.put(e.topicPartition(), joined));
            results = CompletableFuture.completedFuture(failed);
        } else if (!entries.isEmpty()) {
            // answered once the batch is replicated (below the high watermark of the group's partition)
            results = coordinator.commitTransactionalOffsets(data.groupId(), data.producerId(),
                    data.producerEpoch(), data.generationIdOrMemberEpoch(), data.memberId(), data.groupInstanceId(),
                    entries);
        } else {
            results = CompletableFuture.completedFuture(Map.of());
        }
        return results;
    }

    private static ApiMessage response(TxnOffsetCommitRequestData data, List<Errors> topicErrors,
                                       Map<TopicPartition, Errors> results) {
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        for (int i = 0; i < data.topics().size(); i++) {
            TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic topic = data.topics().get(i);
            TxnOffsetCommitResponseTopic out = new TxnOffsetCommitResponseTopic().setName(topic.name());
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : topic.partitions()) {
                Errors error = topicErrors.get(i) != Errors.NONE ? topicErrors.get(i)
                        : results.getOrDefault(new TopicPartition(topic.name(), p.partitionIndex()), Errors.NONE);
                out.partitions().add(new TxnOffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
            response.topics().add(out);
        }
        return response;
    }

    /**
     * Transactions version 2: the group's offsets partition joins the producer's transaction here
     * (what AddOffsetsToTxn did in version 1), so the transaction's marker reaches it.
     */
    private CompletableFuture<Errors> joinTransaction(TxnOffsetCommitRequestData data, MetadataImage image) {
        int partitions = image.topic(Topic.GROUP_METADATA_TOPIC_NAME).map(t -> t.partitions().size()).orElse(0);
        if (partitions <= 0) {
            return CompletableFuture.completedFuture(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        TopicPartition offsets = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME,
                GroupCoordinator.partitionFor(data.groupId(), partitions));
        return transactions.ask(data.transactionalId(), data.producerId(), data.producerEpoch(), offsets, true)
                .thenApply(added -> switch (added) {
                    case NONE -> Errors.NONE;
                    case PRODUCER_FENCED, INVALID_PRODUCER_EPOCH -> Errors.INVALID_PRODUCER_EPOCH;
                    // retriable without looking the group coordinator up again: the transaction coordinator
                    // is loading, moving, busy ending the previous transaction or out of reach
                    case CONCURRENT_TRANSACTIONS, COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR,
                         COORDINATOR_NOT_AVAILABLE -> Errors.COORDINATOR_LOAD_IN_PROGRESS;
                    case INVALID_PRODUCER_ID_MAPPING -> Errors.INVALID_PRODUCER_ID_MAPPING;
                    default -> Errors.INVALID_TXN_STATE;
                });
    }
}
