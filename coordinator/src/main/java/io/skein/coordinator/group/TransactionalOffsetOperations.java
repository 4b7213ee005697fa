package io.skein.coordinator.group;

import io.skein.coordinator.records.CoordinatorLog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TxnOffsetCommit: a transactional producer commits a group's offsets as part of its
 * transaction. As in Kafka the records go to the group's {@code __consumer_offsets} partition at
 * once, as a transactional batch of the producer, and stay pending until the transaction
 * coordinator's marker reaches the partition: COMMIT makes them the committed offsets, ABORT drops
 * them. Replaying the partition does the same, so a reload after a restart or a move finds them.
 *
 * <p>Threading: every method is called with the shard's lock held.
 */
final class TransactionalOffsetOperations {

    private static final Logger log = LoggerFactory.getLogger(TransactionalOffsetOperations.class);
    /** The OffsetCommit version whose generation errors TxnOffsetCommit shares (before GROUP_ID_NOT_FOUND). */
    private static final short COMMIT_ERRORS_VERSION = 8;

    private final OffsetOperations offsets;
    private final Rebalancer rebalancer;

    TransactionalOffsetOperations(OffsetOperations offsets, Rebalancer rebalancer) {
        this.offsets = offsets;
        this.rebalancer = rebalancer;
    }

    /**
     * Writes the offsets as a transactional batch of {@code producerId} at {@code producerEpoch}
     * and holds them pending. A member id and generation, when given (TxnOffsetCommit v3+), are
     * checked as OffsetCommit checks them.
     *
     * @return the error per partition, in the order given, once the batch is committed (below the
     *     high watermark) or could not be
     */
    CompletableFuture<Map<TopicPartition, Errors>> commit(GroupShard shard, String groupId, long producerId, short producerEpoch,
                                       int generation, String memberId, String instanceId,
                                       List<OffsetCommitEntry> entries) {
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        Errors groupError = offsets.validateCommit(shard, groupId, generation, memberId == null ? "" : memberId,
                instanceId, COMMIT_ERRORS_VERSION);
        if (groupError != Errors.NONE) {
            entries.forEach(e -> result.put(e.topicPartition(), groupError));
            return CompletableFuture.completedFuture(result);
        }
        long now = rebalancer.now();
        Map<TopicPartition, CommittedOffset> accepted = offsets.accept(entries, now, result);
        if (accepted.isEmpty()) {
            return CompletableFuture.completedFuture(result);
        }
        List<CoordinatorLog.Entry> records = OffsetOperations.offsetRecords(groupId, accepted);
        PendingTransactionalOffsets pending = shard.pendingOffsets();
        int sequence = pending.nextSequence(producerId, producerEpoch);
        CoordinatorLog.Written write = shard.log().writeTransactional(records, producerId, producerEpoch, sequence,
                now);
        Errors written = asTxnOffsetCommitError(write.appendError());
        if (written != Errors.NONE) {
            log.info("TxnOffsetCommit of group {} by producer {} (epoch {}) was not written to {}: {}", groupId,
                    producerId, producerEpoch, shard.log().name(), written);
            accepted.keySet().forEach(tp -> result.put(tp, written));
            return CompletableFuture.completedFuture(result);
        }
        pending.written(producerId, producerEpoch, sequence, records.size());
        accepted.forEach((tp, value) -> pending.stage(producerId, groupId, tp, value));
        return CommitAnswers.afterCommit(result, accepted.keySet(), write.committed(),
                TransactionalOffsetOperations::asTxnOffsetCommitError);
    }

    /** The TxnOffsetCommit answer for a failed write: a fenced producer stays fenced, storage errors as OffsetCommit's. */
    private static Errors asTxnOffsetCommitError(Errors storage) {
        return switch (storage) {
            case INVALID_PRODUCER_EPOCH, PRODUCER_FENCED -> Errors.PRODUCER_FENCED;
            case INVALID_TXN_STATE -> Errors.INVALID_TXN_STATE;
            default -> GroupLog.asOffsetCommitError(storage);
        };
    }
}
