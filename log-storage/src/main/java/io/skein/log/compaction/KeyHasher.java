package io.skein.log.compaction;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 128-bit MD5 digest of a record key, as two longs (as Kafka's cleaner, which keys its
 * offset map by a digest of the key rather than the key itself, so every entry has the same
 * size; a collision of two keys in 2^128 is not a practical concern).
 *
 * <p>Threading: owned by one cleaner thread (the digest and the scratch array are reused).
 */
final class KeyHasher {

    private final MessageDigest md5;
    private final byte[] digest = new byte[16];
    private long high;
    private long low;

    KeyHasher() {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java runtime", e);
        }
    }

    /** Hashes the key's remaining bytes (its position is left unchanged); read the result with {@link #high}/{@link #low}. */
    void hash(ByteBuffer key) {
        md5.update(key.duplicate());
        try {
            md5.digest(digest, 0, 16);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        high = bytesToLong(0);
        low = bytesToLong(8);
    }

    private long bytesToLong(int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (digest[i] & 0xFF);
        }
        return v;
    }

    long high() {
        return high;
    }

    long low() {
        return low;
    }
}
