package io.skein.log.append;

import io.skein.log.segment.BatchHeader;
import java.nio.ByteBuffer;

/**
 * Walks the records of one uncompressed magic v2 batch directly over the request's buffer,
 * checking their structure without creating a record object. A record is
 * <pre>
 * length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 * keyLength varint | key | valueLength varint | value | headerCount varint |
 * headerCount x (keyLength varint | key | valueLength varint | value)
 * </pre>
 * with zig-zag varints and lengths of -1 for null keys and values.
 *
 * <p>Usage: {@link #next()} until it returns false, reading the current record's fields in
 * between; {@link #failure()} explains a malformed record. Not thread-safe; one per batch.
 */
final class RecordWalker {

    private final ByteBuffer buf;
    private final int end;
    private final long baseTimestamp;
    private int pos;
    private int index = -1;
    private long timestamp;
    private int offsetDelta;
    private boolean hasKey;
    private String failure;

    RecordWalker(ByteBuffer buf, int batchStart, int batchSize) {
        this.buf = buf;
        this.end = batchStart + batchSize;
        this.baseTimestamp = buf.getLong(batchStart + BatchHeader.BASE_TIMESTAMP);
        this.pos = batchStart + BatchHeader.SIZE;
    }

    /** Moves to the next record; false at the end of the batch or on a malformed record. */
    boolean next() {
        if (failure != null || pos >= end) {
            return false;
        }
        index++;
        int length = readVarint();
        int start = pos;
        if (failure != null || length < 0 || length > end - start) {
            return fail("record " + index + " has an invalid length " + length);
        }
        pos++; // attributes
        timestamp = baseTimestamp + readVarlong();
        offsetDelta = readVarint();
        int keyLength = readVarint();
        hasKey = keyLength >= 0;
        skip(keyLength);
        skip(readVarint());
        int headers = readVarint();
        if (headers < 0) {
            return fail("record " + index + " has a negative header count");
        }
        for (int h = 0; h < headers && failure == null; h++) {
            int headerKeyLength = readVarint();
            if (headerKeyLength < 0) {
                return fail("record " + index + " has a header with a null key");
            }
            skip(headerKeyLength);
            skip(readVarint());
        }
        if (failure != null) {
            return false;
        }
        if (pos - start != length) {
            return fail("record " + index + " declares " + length + " bytes but holds " + (pos - start));
        }
        return true;
    }

    /** Index of the current record in the batch. */
    int index() {
        return index;
    }

    long timestamp() {
        return timestamp;
    }

    int offsetDelta() {
        return offsetDelta;
    }

    boolean hasKey() {
        return hasKey;
    }

    /** Why the walk stopped early, or null when the batch ended cleanly. */
    String failure() {
        return failure;
    }

    /** Whether the walk consumed exactly the batch's bytes. */
    boolean atEnd() {
        return failure == null && pos == end;
    }

    private boolean fail(String why) {
        if (failure == null) {
            failure = why;
        }
        return false;
    }

    private void skip(int length) {
        if (length > 0) {
            if (length > end - pos) {
                fail("record " + index + " overruns its batch");
            } else {
                pos += length;
            }
        }
    }

    private int readVarint() {
        int raw = (int) readUnsigned(5);
        return (raw >>> 1) ^ -(raw & 1);
    }

    private long readVarlong() {
        long raw = readUnsigned(10);
        return (raw >>> 1) ^ -(raw & 1);
    }

    private long readUnsigned(int maxBytes) {
        long value = 0;
        int shift = 0;
        for (int i = 0; i < maxBytes && pos < end; i++) {
            byte b = buf.get(pos++);
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
            shift += 7;
        }
        fail("record " + index + " has a malformed varint");
        return 0;
    }
}
