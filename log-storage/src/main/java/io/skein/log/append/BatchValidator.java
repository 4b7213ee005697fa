package io.skein.log.append;

import io.skein.log.api.AppendResult;
import io.skein.log.api.AppendResult.RecordError;
import io.skein.log.api.LogConfig;
import io.skein.log.segment.BatchHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Checks one batch of a produce request the way Kafka's broker does before appending, in Kafka's
 * order: magic v2, {@code max.message.bytes}, size and CRC, record count against the offset
 * range, no control batches from clients, a sequence for idempotent batches, then per record:
 * structure and offset deltas (uncompressed), timestamps within
 * {@code message.timestamp.before/after.max.ms} (CreateTime; per record when uncompressed, the
 * batch's base and max timestamps when compressed), and keys on compacted topics (compressed
 * batches are decompressed for this only when the topic is compacted).
 *
 * <p>Uncompressed records are walked over the buffer by {@link RecordWalker}: no per-record
 * objects unless a record is rejected. Stateless; safe on any thread.
 */
public final class BatchValidator {

    private BatchValidator() {
    }

    /** @return null when the batch may be appended, otherwise the failure to report for the partition */
    public static AppendResult validate(TopicPartition tp, MutableRecordBatch batch, ByteBuffer buffer, int batchStart,
                                        LogConfig config, long now, long logStartOffset) {
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            return AppendResult.failure(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT, "Record batch in the append to " + tp
                    + " has magic " + batch.magic() + "; only magic v2 is supported", logStartOffset);
        }
        int size = batch.sizeInBytes();
        if (size > config.maxMessageBytes()) {
            return AppendResult.failure(Errors.MESSAGE_TOO_LARGE, "The record batch size in the append to " + tp
                    + " is " + size + " bytes which exceeds the maximum configured value of "
                    + config.maxMessageBytes() + ".", logStartOffset);
        }
        try {
            batch.ensureValid();
        } catch (CorruptRecordException e) {
            return AppendResult.failure(Errors.CORRUPT_MESSAGE, e.getMessage() + " in the append to " + tp,
                    logStartOffset);
        }
        Integer count = batch.countOrNull();
        long countFromOffsets = batch.lastOffset() - batch.baseOffset() + 1;
        if (count == null || count <= 0 || countFromOffsets != count) {
            return invalid(tp, "Record count " + count + " does not match the offset range of "
                    + countFromOffsets + " records", logStartOffset);
        }
        if (batch.isControlBatch()) {
            return invalid(tp, "Clients are not allowed to write control records", logStartOffset);
        }
        if (batch.hasProducerId() && batch.baseSequence() < 0) {
            return invalid(tp, "Invalid sequence number " + batch.baseSequence()
                    + " in record batch with producerId " + batch.producerId(), logStartOffset);
        }
        boolean checkTimestamps = config.timestampType() == TimestampType.CREATE_TIME;
        if (batch.compressionType() == CompressionType.NONE) {
            return walkUncompressed(tp, buffer, batchStart, size, count, config, now, checkTimestamps, logStartOffset);
        }
        if (checkTimestamps) {
            String bad = timestampError(buffer.getLong(batchStart + BatchHeader.BASE_TIMESTAMP), 0, config, now);
            if (bad == null) {
                bad = timestampError(batch.maxTimestamp(), 0, config, now);
            }
            if (bad != null) {
                return failure(List.of(new RecordError(0, bad)), true, logStartOffset);
            }
        }
        List<RecordError> keyErrors = config.compact() ? checkKeysCompressed(tp, batch) : null;
        return keyErrors == null ? null : failure(keyErrors, false, logStartOffset);
    }

    private static AppendResult walkUncompressed(TopicPartition tp, ByteBuffer buffer, int batchStart, int size,
                                                 int count, LogConfig config, long now, boolean checkTimestamps,
                                                 long logStartOffset) {
        RecordWalker walker = new RecordWalker(buffer, batchStart, size);
        List<RecordError> errors = null;
        boolean timestampErrors = false;
        while (walker.next()) {
            int i = walker.index();
            if (i >= count) {
                return invalid(tp, "The batch holds more records than its declared count " + count, logStartOffset);
            }
            if (walker.offsetDelta() != i) {
                errors = add(errors, new RecordError(i, "Record " + i + " has offset delta " + walker.offsetDelta()
                        + ", expected " + i));
                continue;
            }
            if (checkTimestamps) {
                String bad = timestampError(walker.timestamp(), i, config, now);
                if (bad != null) {
                    errors = add(errors, new RecordError(i, bad));
                    timestampErrors = true;
                    continue;
                }
            }
            if (config.compact() && !walker.hasKey()) {
                errors = add(errors, new RecordError(i, noKeyMessage(tp)));
            }
        }
        if (walker.failure() != null) {
            return invalid(tp, "Malformed record batch: " + walker.failure(), logStartOffset);
        }
        if (!walker.atEnd() || walker.index() + 1 != count) {
            return invalid(tp, "The batch holds " + (walker.index() + 1) + " records but declares " + count,
                    logStartOffset);
        }
        return errors == null ? null : failure(errors, timestampErrors, logStartOffset);
    }

    /** Kafka's per-record message for a timestamp outside the allowed window, or null when it is inside. */
    static String timestampError(long timestamp, long recordOffset, LogConfig config, long now) {
        if (timestamp == RecordBatch.NO_TIMESTAMP) {
            return null;
        }
        long earliest = config.timestampBeforeMaxMs() >= now ? Long.MIN_VALUE : now - config.timestampBeforeMaxMs();
        long latest = config.timestampAfterMaxMs() > Long.MAX_VALUE - now ? Long.MAX_VALUE
                : now + config.timestampAfterMaxMs();
        if (timestamp >= earliest && timestamp <= latest) {
            return null;
        }
        return "Timestamp " + timestamp + " of message with offset " + recordOffset + " is out of range. "
                + "The timestamp should be within [" + earliest + ", " + latest + "]";
    }

    private static List<RecordError> checkKeysCompressed(TopicPartition tp, MutableRecordBatch batch) {
        List<RecordError> errors = null;
        try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            int i = 0;
            while (records.hasNext()) {
                if (!records.next().hasKey()) {
                    errors = add(errors, new RecordError(i, noKeyMessage(tp)));
                }
                i++;
            }
        }
        return errors;
    }

    static String noKeyMessage(TopicPartition tp) {
        return "Compacted topic cannot accept message without key in topic partition " + tp + ".";
    }

    private static List<RecordError> add(List<RecordError> errors, RecordError error) {
        List<RecordError> list = errors == null ? new ArrayList<>() : errors;
        list.add(error);
        return list;
    }

    /** Kafka's partition-level error for rejected records: INVALID_TIMESTAMP if any timestamp was bad. */
    private static AppendResult failure(List<RecordError> errors, boolean timestamps, long logStartOffset) {
        if (timestamps) {
            return AppendResult.failure(Errors.INVALID_TIMESTAMP,
                    "One or more records have been rejected due to invalid timestamp", errors, logStartOffset);
        }
        String shown = errors.subList(0, Math.min(3, errors.size())).toString();
        return AppendResult.failure(Errors.INVALID_RECORD, "One or more records have been rejected due to "
                + errors.size() + " record errors in total, and only showing the first three errors at most: "
                + shown, errors, logStartOffset);
    }

    private static AppendResult invalid(TopicPartition tp, String why, long logStartOffset) {
        return AppendResult.failure(Errors.INVALID_RECORD, why + " (append to " + tp + ")", logStartOffset);
    }
}
