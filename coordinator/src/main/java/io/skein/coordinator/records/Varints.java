package io.skein.coordinator.records;

import java.nio.ByteBuffer;

/** Kafka's unsigned varints (7 bits per byte, low bits first, high bit set on all but the last byte). */
public final class Varints {

    private Varints() {
    }

    public static void writeUnsigned(int value, ByteBuffer out) {
        int v = value;
        while ((v & ~0x7F) != 0) {
            out.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    /** @throws IllegalArgumentException when the varint is longer than five bytes */
    public static int readUnsigned(ByteBuffer in) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = in.get();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint longer than 5 bytes");
    }
}
