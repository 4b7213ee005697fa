package io.skein.broker.handler;

import io.skein.broker.txn.RemoteTransactionVerifier;
import io.skein.coordinator.transaction.TransactionCoordinator;
import io.skein.coordinator.transaction.TransactionV2Operations;
import io.skein.log.api.PartitionLog;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * KIP-890 part 1 on the produce path: before a transactional batch is appended, the transaction
 * coordinator confirms that the partition is in the producer's ongoing transaction, so a late
 * write (a retry after the transaction ended, a zombie's send) cannot land in the next one. From
 * Produce v12 (transactions version 2) the partition joins the transaction here rather than
 * through the client's AddPartitionsToTxn.
 *
 * <p>The coordinator is the leader of the transactional id's {@code __transaction_state} partition
 * in the latest image: this node's {@link TransactionCoordinator}, answered at once, or another
 * broker, asked through {@link RemoteTransactionVerifier} (AddPartitionsToTxn v4+, as Kafka's
 * partition leaders do) without blocking the request thread.
 *
 * <p>The answers are Kafka's: INVALID_TXN_STATE when the partition is not in an ongoing
 * transaction, INVALID_PRODUCER_EPOCH for a fenced producer, NOT_ENOUGH_REPLICAS (retriable by the
 * producer) while the coordinator is unknown, moving, loading, unreachable or busy.
 *
 * <p>Stateless; safe from any request thread.
 */
public final class TransactionVerification {

    /** Produce v12: the client uses transactions version 2 and relies on the implicit add. */
    private static final short FIRST_V2_PRODUCE_VERSION = 12;

    private final TransactionCoordinator coordinator;
    private final int localNodeId;
    private final MetadataQuorum quorum;
    private final RemoteTransactionVerifier remote;

    /**
     * @param quorum where the coordinator of a transactional id is looked up
     * @param remote asks coordinators on other brokers
     */
    public TransactionVerification(TransactionCoordinator coordinator, int localNodeId, MetadataQuorum quorum,
                                   RemoteTransactionVerifier remote) {
        this.coordinator = coordinator;
        this.localNodeId = localNodeId;
        this.quorum = quorum;
        this.remote = remote;
    }

    /**
     * NONE when {@code records} may be appended to {@code tp}, else the produce error for the
     * partition. Completed at once unless the coordinator is another broker or (Produce v12+) the
     * partition joins the transaction here, answered once that is replicated. A partition whose
     * log has the producer's transaction open at the batch's epoch joined it already: no check
     * (as in Kafka; the epoch changes at every transaction end in version 2).
     *
     * @param transactionalId the request's, never null: the produce handler asks only for requests
     *     with transactional batches, and refuses those without a transactional id
     */
    public CompletableFuture<Errors> verify(String transactionalId, TopicPartition tp, MemoryRecords records,
                                            short produceVersion, PartitionLog log) {
        RecordBatch first = records.firstBatch();
        if (first == null || !first.isTransactional()
                || log.hasOngoingTransaction(first.producerId(), first.producerEpoch())) {
            return CompletableFuture.completedFuture(Errors.NONE); // not transactional, or already in its transaction
        }
        boolean v2 = produceVersion >= FIRST_V2_PRODUCE_VERSION;
        return ask(transactionalId, first.producerId(), first.producerEpoch(), tp, v2)
                .thenApply(TransactionVerification::produceError);
    }

    /**
     * The transaction coordinator's own answer, wherever it is: whether {@code tp} is in the
     * producer's ongoing transaction, or ({@code add}, transactions version 2) its answer to adding
     * it. COORDINATOR_NOT_AVAILABLE when the coordinator has no leader or could not be asked.
     * An addition completes once it is replicated; a verification at once unless the coordinator
     * is another broker.
     */
    public CompletableFuture<Errors> ask(String transactionalId, long producerId, short producerEpoch,
                                         TopicPartition tp, boolean add) {
        int coordinatorId = coordinatorNode(transactionalId);
        if (coordinatorId >= 0) {
            return remote.verify(coordinatorId, transactionalId, producerId, producerEpoch, tp, !add);
        }
        if (coordinatorId == -2) {
            return CompletableFuture.completedFuture(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        if (add) {
            // answered once the partition's addition is replicated in __transaction_state, so a
            // coordinator failover cannot forget a partition that already holds transactional data
            return coordinator.addPartitionsCommitted(transactionalId, producerId, producerEpoch, List.of(tp),
                    TransactionV2Operations.VERSION);
        }
        return CompletableFuture.completedFuture(
                coordinator.verifyPartitions(transactionalId, producerId, producerEpoch, List.of(tp)).get(tp));
    }

    /**
     * The other broker leading the id's {@code __transaction_state} partition; -1 for this node,
     * -2 when it has no leader.
     */
    private int coordinatorNode(String transactionalId) {
        MetadataImage image = quorum.image();
        MetadataImage.TopicImage topic = image.topic(Topic.TRANSACTION_STATE_TOPIC_NAME).orElse(null);
        if (topic == null || topic.partitions().isEmpty()) {
            return -1; // not created yet: the local coordinator answers NOT_COORDINATOR
        }
        int partition = TransactionCoordinator.partitionFor(transactionalId, topic.partitions().size());
        MetadataImage.PartitionState state = topic.partitions().get(partition);
        if (state == null || state.leader() < 0) {
            return -2;
        }
        return state.leader() == localNodeId ? -1 : state.leader();
    }

    /** The coordinator's answer as a produce error, as Kafka's partition leaders map it. */
    private static Errors produceError(Errors verified) {
        return switch (verified) {
            case NONE -> Errors.NONE;
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS,
                 NETWORK_EXCEPTION, REQUEST_TIMED_OUT -> Errors.NOT_ENOUGH_REPLICAS;
            case PRODUCER_FENCED, INVALID_PRODUCER_EPOCH -> Errors.INVALID_PRODUCER_EPOCH;
            default -> Errors.INVALID_TXN_STATE;
        };
    }
}
