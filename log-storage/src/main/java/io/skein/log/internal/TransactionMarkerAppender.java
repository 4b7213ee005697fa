package io.skein.log.internal;

import io.skein.log.api.AppendContext;
import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.producer.ProducerStateTable;
import io.skein.log.producer.SequenceCheck;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * The leader's append of a COMMIT or ABORT marker: checks the marker against the producer state
 * ({@link ProducerStateTable#checkMarker}: a stale producer epoch is INVALID_PRODUCER_EPOCH, a
 * stale coordinator epoch TRANSACTION_COORDINATOR_FENCED), builds the one-record control batch
 * (kafka-clients' {@code MemoryRecords.withEndTransactionMarker}) and appends it through the
 * {@link LogAppender}, whose producer-state replay ends the transaction, indexes an abort and
 * moves the last stable offset.
 *
 * <p>Threading: owned by the partition's writer; every call runs under the log's append lock.
 */
final class TransactionMarkerAppender {

    private final TopicPartition tp;
    private final ProducerStateTable producers;
    private final LogAppender appender;

    TransactionMarkerAppender(TopicPartition tp, ProducerStateTable producers, LogAppender appender) {
        this.tp = tp;
        this.producers = producers;
        this.appender = appender;
    }

    AppendResult append(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit,
                        AppendContext context, LogConfig config, long logStartOffset) {
        if (producerId < 0 || producerEpoch < 0) {
            return AppendResult.failure(Errors.INVALID_REQUEST,
                    "A transaction marker for " + tp + " needs a producer id and epoch (got " + producerId + ", "
                            + producerEpoch + ")", logStartOffset);
        }
        SequenceCheck check = producers.checkMarker(producerId, producerEpoch, coordinatorEpoch);
        if (!check.accepted()) {
            return AppendResult.failure(check.error(), check.message() + " (" + (commit ? "COMMIT" : "ABORT")
                    + " marker for " + tp + ")", logStartOffset);
        }
        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(0L, context.nowMs(), context.leaderEpoch(),
                producerId, producerEpoch,
                new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch));
        return appender.appendControl(marker, context, config, logStartOffset);
    }
}
