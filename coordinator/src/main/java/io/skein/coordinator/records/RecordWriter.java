package io.skein.coordinator.records;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;


/**
 * A growable big-endian writer for the encodings of Kafka's internal-topic records: the fixed
 * width ones (int16-length strings, int32-length bytes) of non-flexible versions and the compact
 * ones (unsigned-varint lengths plus one, tagged fields) of flexible versions.
 *
 * <p>Not thread-safe; one per record.
 */
public final class RecordWriter {

    private ByteBuffer buffer = ByteBuffer.allocate(128);

    private void ensure(int more) {
        if (buffer.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
    }

    public RecordWriter int8(byte v) {
        ensure(1);
        buffer.put(v);
        return this;
    }

    public RecordWriter int16(short v) {
        ensure(2);
        buffer.putShort(v);
        return this;
    }

    public RecordWriter int32(int v) {
        ensure(4);
        buffer.putInt(v);
        return this;
    }

    public RecordWriter int64(long v) {
        ensure(8);
        buffer.putLong(v);
        return this;
    }

    public RecordWriter unsignedVarint(int v) {
        ensure(5);
        Varints.writeUnsigned(v, buffer);
        return this;
    }

    /** An int16-length string (non-flexible versions). */
    public RecordWriter string(String s) {
        return nullableString(s);
    }

    /** An int16-length string, -1 for null (non-flexible versions). */
    public RecordWriter nullableString(String s) {
        if (s == null) {
            return int16((short) -1);
        }
        byte[] bytes = utf8(s, Short.MAX_VALUE);
        int16((short) bytes.length);
        return raw(bytes);
    }

    /** An int32-length byte array (non-flexible versions). */
    public RecordWriter bytes(byte[] bytes) {
        int32(bytes.length);
        return raw(bytes);
    }

    /** A compact string: unsigned varint of length + 1, then UTF-8 (flexible versions). */
    public RecordWriter compactString(String s) {
        byte[] bytes = utf8(s, Short.MAX_VALUE);
        unsignedVarint(bytes.length + 1);
        return raw(bytes);
    }

    /** The length prefix of a compact array: size + 1, or 0 for null (flexible versions). */
    public RecordWriter compactArrayLength(int size) {
        return unsignedVarint(size < 0 ? 0 : size + 1);
    }

    public RecordWriter raw(byte[] bytes) {
        ensure(bytes.length);
        buffer.put(bytes);
        return this;
    }

    private static byte[] utf8(String s, int max) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > max) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes is too long");
        }
        return bytes;
    }

    public byte[] toArray() {
        byte[] out = new byte[buffer.position()];
        buffer.flip();
        buffer.get(out);
        buffer.position(buffer.limit()).limit(buffer.capacity());
        return out;
    }
}
