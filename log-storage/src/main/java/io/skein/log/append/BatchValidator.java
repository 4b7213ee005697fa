package io.skein.log.append;

import io.skein.log.api.AppendResult;
import io.skein.log.api.LogConfig;
import io.skein.log.segment.BatchHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Checks a produce request's batches the way Kafka's broker does before appending: magic v2,
 * size bounds and CRC, {@code max.message.bytes}, record count and offset deltas, timestamps
 * within {@code message.timestamp.before/after.max.ms} (CreateTime), and keys on compacted
 * topics. Uncompressed records are walked over the buffer without allocating per record.
 *
 * <p>Stateless; safe on any thread.
 */
public final class BatchValidator {

    private BatchValidator() {
    }

    /** @return null when the batch is valid, otherwise the failure to report for the partition */
    public static AppendResult validate(TopicPartition tp, MutableRecordBatch batch, ByteBuffer buffer, int batchStart,
                                        LogConfig config, long now, long logStartOffset) {
        if (batch.magic() != 2) {
            return AppendResult.failure(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT,
                    "Only magic v2 record batches are supported, got magic " + batch.magic(), logStartOffset);
        }
        int size = batch.sizeInBytes();
        if (size > config.maxMessageBytes()) {
            return AppendResult.failure(Errors.MESSAGE_TOO_LARGE, "The batch of " + size
                    + " bytes exceeds max.message.bytes=" + config.maxMessageBytes() + " of " + tp, logStartOffset);
        }
        if (size < BatchHeader.SIZE || !batch.isValid()) {
            return AppendResult.failure(Errors.CORRUPT_MESSAGE, "Record batch for " + tp
                    + " is corrupt (CRC mismatch or bad size)", logStartOffset);
        }
        if (batch.isControlBatch()) {
            return AppendResult.failure(Errors.INVALID_RECORD, "Clients may not write control batches", logStartOffset);
        }
        Integer count = batch.countOrNull();
        if (count == null || count <= 0 || batch.lastOffset() - batch.baseOffset() != count - 1) {
            return AppendResult.failure(Errors.INVALID_RECORD, "Record batch for " + tp
                    + " declares a record count that does not match its last offset delta", logStartOffset);
        }
        boolean checkTimestamps = config.timestampType() == TimestampType.CREATE_TIME
                && (config.timestampBeforeMaxMs() != Long.MAX_VALUE || config.timestampAfterMaxMs() != Long.MAX_VALUE);
        if (batch.compressionType() == CompressionType.NONE) {
            return RecordWalker.walk(tp, batch, buffer, batchStart, config, now, checkTimestamps, logStartOffset);
        }
        if (checkTimestamps) {
            AppendResult bad = checkTimestamp(tp, batch.maxTimestamp(), 0, config, now, logStartOffset);
            if (bad == null) {
                bad = checkTimestamp(tp, buffer.getLong(batchStart + BatchHeader.BASE_TIMESTAMP), 0, config, now, logStartOffset);
            }
            if (bad != null) {
                return bad;
            }
        }
        if (config.compact()) {
            return checkKeysCompressed(tp, batch, logStartOffset);
        }
        return null;
    }

    static AppendResult checkTimestamp(TopicPartition tp, long timestamp, int recordIndex, LogConfig config, long now,
                                       long logStartOffset) {
        boolean tooOld = config.timestampBeforeMaxMs() != Long.MAX_VALUE && timestamp < now - config.timestampBeforeMaxMs();
        boolean tooNew = config.timestampAfterMaxMs() != Long.MAX_VALUE && timestamp > now + config.timestampAfterMaxMs();
        if (!tooOld && !tooNew) {
            return null;
        }
        String message = "Timestamp " + timestamp + " of message with offset " + recordIndex + " is out of range. "
                + "The timestamp should be within [" + (config.timestampBeforeMaxMs() == Long.MAX_VALUE ? Long.MIN_VALUE
                : now - config.timestampBeforeMaxMs()) + ", " + (now + config.timestampAfterMaxMs()) + "]";
        return AppendResult.failure(Errors.INVALID_TIMESTAMP, message,
                List.of(new AppendResult.RecordError(recordIndex, message)), logStartOffset);
    }

    private static AppendResult checkKeysCompressed(TopicPartition tp, MutableRecordBatch batch, long logStartOffset) {
        List<AppendResult.RecordError> errors = new ArrayList<>();
        try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            int i = 0;
            while (records.hasNext()) {
                if (!records.next().hasKey()) {
                    errors.add(new AppendResult.RecordError(i, noKeyMessage(tp)));
                }
                i++;
            }
        }
        return errors.isEmpty() ? null
                : AppendResult.failure(Errors.INVALID_RECORD, noKeyMessage(tp), errors, logStartOffset);
    }

    static String noKeyMessage(TopicPartition tp) {
        return "Compacted topic cannot accept message without key in topic partition " + tp + ".";
    }

    /** Walks uncompressed records' headers in place. */
    static final class RecordWalker {
        private RecordWalker() {
        }

        static AppendResult walk(TopicPartition tp, MutableRecordBatch batch, ByteBuffer buf, int batchStart,
                                 LogConfig config, long now, boolean checkTimestamps, long logStartOffset) {
            int pos = batchStart + BatchHeader.SIZE;
            int end = batchStart + batch.sizeInBytes();
            int count = batch.countOrNull();
            long baseTimestamp = buf.getLong(batchStart + BatchHeader.BASE_TIMESTAMP);
            List<AppendResult.RecordError> keyErrors = null;
            for (int i = 0; i < count; i++) {
                if (pos >= end) {
                    return invalid(tp, "fewer records than declared", logStartOffset);
                }
                long[] cursor = {pos};
                int length = readVarint(buf, cursor);
                int recordStart = (int) cursor[0];
                if (length < 0 || recordStart + length > end) {
                    return invalid(tp, "record " + i + " overruns the batch", logStartOffset);
                }
                cursor[0] = recordStart + 1; // attributes
                long timestampDelta = readVarlong(buf, cursor);
                int offsetDelta = readVarint(buf, cursor);
                if (offsetDelta != i) {
                    return AppendResult.failure(Errors.INVALID_RECORD, "Inner record offset delta " + offsetDelta
                                    + " is not " + i + " in " + tp,
                            List.of(new AppendResult.RecordError(i, "Inner record offset delta " + offsetDelta
                                    + " is not " + i)), logStartOffset);
                }
                if (checkTimestamps) {
                    AppendResult bad = checkTimestamp(tp, baseTimestamp + timestampDelta, i, config, now, logStartOffset);
                    if (bad != null) {
                        return bad;
                    }
                }
                if (config.compact()) {
                    int keyLength = readVarint(buf, cursor);
                    if (keyLength < 0) {
                        if (keyErrors == null) {
                            keyErrors = new ArrayList<>();
                        }
                        keyErrors.add(new AppendResult.RecordError(i, noKeyMessage(tp)));
                    }
                }
                pos = recordStart + length;
            }
            if (pos != end) {
                return invalid(tp, "more bytes than the declared records", logStartOffset);
            }
            if (keyErrors != null) {
                return AppendResult.failure(Errors.INVALID_RECORD, noKeyMessage(tp), keyErrors, logStartOffset);
            }
            return null;
        }

        private static AppendResult invalid(TopicPartition tp, String why, long logStartOffset) {
            return AppendResult.failure(Errors.INVALID_RECORD, "Record batch for " + tp + " is invalid: " + why,
                    logStartOffset);
        }

        private static int readVarint(ByteBuffer buf, long[] cursor) {
            long raw = readUnsignedVarlong(buf, cursor, 5);
            return (int) ((raw >>> 1) ^ -(raw & 1));
        }

        private static long readVarlong(ByteBuffer buf, long[] cursor) {
            long raw = readUnsignedVarlong(buf, cursor, 10);
            return (raw >>> 1) ^ -(raw & 1);
        }

        private static long readUnsignedVarlong(ByteBuffer buf, long[] cursor, int maxBytes) {
            long value = 0;
            int shift = 0;
            int p = (int) cursor[0];
            for (int i = 0; i < maxBytes && p < buf.limit(); i++) { // absolute reads
                byte b = buf.get(p++);
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    cursor[0] = p;
                    return value;
                }
                shift += 7;
            }
            cursor[0] = buf.limit() + 1;
            return -1;
        }
    }
}
