package io.skein.log.compaction;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A 128-bit hash of a record key (MurmurHash3 x64 128, seed 0), as two longs. The cleaner keys
 * its offset map by this hash rather than by the key, so every entry has the same size (Kafka's
 * cleaner does the same with MD5; Murmur3 spreads keys as well and is several times faster). Two
 * keys colliding in 128 bits is not a practical concern: 100 million keys collide with a
 * probability near 10^-23.
 *
 * <p>Threading: owned by one cleaner thread (the result fields are reused).
 */
final class KeyHasher {

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private long high;
    private long low;

    /** Hashes the key's remaining bytes (its position is left unchanged); read the result with {@link #high}/{@link #low}. */
    void hash(ByteBuffer key) {
        ByteBuffer b = key.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int start = b.position();
        int length = b.remaining();
        long h1 = 0;
        long h2 = 0;
        int blocks = length / 16;
        for (int i = 0; i < blocks; i++) {
            long k1 = b.getLong(start + i * 16);
            long k2 = b.getLong(start + i * 16 + 8);
            h1 ^= mixK1(k1);
            h1 = Long.rotateLeft(h1, 27) + h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(k2);
            h2 = Long.rotateLeft(h2, 31) + h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int tail = start + blocks * 16;
        int rest = length & 15;
        long k1 = 0;
        long k2 = 0;
        for (int i = rest - 1; i >= 8; i--) {
            k2 = (k2 << 8) | (b.get(tail + i) & 0xFFL);
        }
        for (int i = Math.min(rest, 8) - 1; i >= 0; i--) {
            k1 = (k1 << 8) | (b.get(tail + i) & 0xFFL);
        }
        if (rest > 8) {
            h2 ^= mixK2(k2);
        }
        if (rest > 0) {
            h1 ^= mixK1(k1);
        }
        h1 ^= length;
        h2 ^= length;
        h1 += h2;
        h2 += h1;
        h1 = fmix(h1);
        h2 = fmix(h2);
        h1 += h2;
        h2 += h1;
        high = h1;
        low = h2;
    }

    private static long mixK1(long k1) {
        return Long.rotateLeft(k1 * C1, 31) * C2;
    }

    private static long mixK2(long k2) {
        return Long.rotateLeft(k2 * C2, 33) * C1;
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    long high() {
        return high;
    }

    long low() {
        return low;
    }
}
