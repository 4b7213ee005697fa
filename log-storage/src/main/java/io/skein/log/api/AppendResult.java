package io.skein.log.api;

import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * The outcome of one {@link PartitionLog#append}: either the offsets the batches got, or Kafka's
 * error for the partition (with per-record errors where Kafka reports them).
 *
 * @param error {@link Errors#NONE} on success (including a duplicate of a recent idempotent batch,
 *     which reports the original offsets)
 * @param errorMessage a human message for the error, or null
 * @param recordErrors per-record errors (INVALID_RECORD, INVALID_TIMESTAMP), empty otherwise
 * @param baseOffset offset of the first appended record, -1 on error
 * @param lastOffset offset of the last appended record, -1 on error
 * @param logAppendTimeMs the broker time stamped in the batches with LogAppendTime, -1 otherwise
 * @param logStartOffset the log start offset after the append
 */
public record AppendResult(
        Errors error,
        String errorMessage,
        List<RecordError> recordErrors,
        long baseOffset,
        long lastOffset,
        long logAppendTimeMs,
        long logStartOffset) {

    /** One record that made Kafka reject its batch: the record's index in the request and why. */
    public record RecordError(int batchIndex, String message) {
    }

    public static AppendResult success(long baseOffset, long lastOffset, long logAppendTimeMs, long logStartOffset) {
        return new AppendResult(Errors.NONE, null, List.of(), baseOffset, lastOffset, logAppendTimeMs, logStartOffset);
    }

    public static AppendResult failure(Errors error, String message, long logStartOffset) {
        return new AppendResult(error, message, List.of(), -1, -1, -1, logStartOffset);
    }

    public static AppendResult failure(Errors error, String message, List<RecordError> recordErrors, long logStartOffset) {
        return new AppendResult(error, message, List.copyOf(recordErrors), -1, -1, -1, logStartOffset);
    }

    public boolean succeeded() {
        return error == Errors.NONE;
    }
}
