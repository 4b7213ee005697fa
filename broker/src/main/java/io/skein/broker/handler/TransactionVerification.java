package io.skein.broker.handler;

import io.skein.coordinator.transaction.TransactionCoordinator;
import io.skein.coordinator.transaction.TransactionV2Operations;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * KIP-890 part 1 on the produce path: before a transactional batch is appended, the transaction
 * coordinator confirms that the partition is in the producer's ongoing transaction, so a late
 * write (a retry after the transaction ended, a zombie's send) cannot land in the next one. The
 * answers are Kafka's: INVALID_TXN_STATE when the partition is not in an ongoing transaction,
 * INVALID_PRODUCER_EPOCH for a fenced producer, NOT_ENOUGH_REPLICAS (retriable) while the
 * coordinator is loading or busy.
 *
 * <p>Verified only when the request names its transactional id and this node coordinates that
 * id: a coordinator on another node would need the broker-to-broker AddPartitionsToTxn (v4
 * {@code verify_only}) client, which does not exist yet; such batches are appended unverified
 * (transactions version 1) or refused (version 2, whose partitions can only join that way).
 *
 * <p>Stateless; safe from any request thread.
 */
public final class TransactionVerification {

    /** Produce v12: the client uses transactions version 2 and relies on the implicit add. */
    private static final short FIRST_V2_PRODUCE_VERSION = 12;

    private final TransactionCoordinator coordinator;

    public TransactionVerification(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    /**
     * NONE when {@code records} may be appended to {@code tp}, else the produce error for the
     * partition. From Produce v12 (transactions version 2) the partition joins the transaction
     * here rather than through the client's AddPartitionsToTxn.
     */
    public Errors verify(String transactionalId, TopicPartition tp, MemoryRecords records, short produceVersion) {
        if (transactionalId == null) {
            return Errors.NONE;
        }
        RecordBatch first = null;
        for (RecordBatch batch : records.batches()) {
            first = batch;
            break;
        }
        if (first == null || !first.isTransactional()) {
            return Errors.NONE;
        }
        Errors verified = produceVersion >= FIRST_V2_PRODUCE_VERSION
                ? coordinator.addPartitions(transactionalId, first.producerId(), first.producerEpoch(), List.of(tp),
                        TransactionV2Operations.VERSION)
                : coordinator.verifyPartitions(transactionalId, first.producerId(), first.producerEpoch(),
                        List.of(tp)).get(tp);
        if (verified == Errors.NOT_COORDINATOR && produceVersion >= FIRST_V2_PRODUCE_VERSION) {
            return Errors.INVALID_TXN_STATE; // the partition cannot join a transaction coordinated elsewhere (yet)
        }
        return switch (verified) {
            case NONE, NOT_COORDINATOR -> Errors.NONE;
            case COORDINATOR_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS -> Errors.NOT_ENOUGH_REPLICAS;
            case PRODUCER_FENCED, INVALID_PRODUCER_EPOCH -> Errors.INVALID_PRODUCER_EPOCH;
            default -> Errors.INVALID_TXN_STATE;
        };
    }
}
