package io.skein.log.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyHasherTest {

    @Test
    void matchesMurmur3X64128ReferenceValues() {
        KeyHasher h = new KeyHasher();
        // reference vectors of MurmurHash3_x64_128 (seed 0), h1 then h2: cbd8a7b341bd9b02 5b1e906a48ae1d19
        h.hash(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals(0xcbd8a7b341bd9b02L, h.high());
        assertEquals(0x5b1e906a48ae1d19L, h.low());
        // "The quick brown fox jumps over the lazy dog": e34bbc7bbc071b6c 7a433ca9c49a9347
        h.hash(ByteBuffer.wrap("The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8)));
        assertEquals(0xe34bbc7bbc071b6cL, h.high());
        assertEquals(0x7a433ca9c49a9347L, h.low());
    }

    @Test
    void hashesOnlyTheRemainingBytesAndLeavesThePosition() {
        KeyHasher h = new KeyHasher();
        ByteBuffer b = ByteBuffer.wrap("xxhello".getBytes(StandardCharsets.UTF_8)).position(2);
        h.hash(b);
        assertEquals(2, b.position());
        assertEquals(0xcbd8a7b341bd9b02L, h.high());
        h.hash(ByteBuffer.wrap("hellp".getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(0xcbd8a7b341bd9b02L, h.high());
    }
}
