package io.skein.log.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetMapTest {

    @TempDir
    Path dir;

    @Test
    void keepsTheLatestOffsetPerKeyForMillionsOfKeysInASparseFileOffTheHeap() throws IOException {
        int keys = 3_000_000;
        KeyHasher hasher = new KeyHasher();
        Path file = dir.resolve("map");
        try (OffsetMap map = OffsetMap.create(file, 2L * keys)) {
            for (int version = 0; version < 2; version++) {
                for (int k = 0; k < keys; k++) {
                    hash(hasher, "key-" + k);
                    map.put(hasher.high(), hasher.low(), (long) version * keys + k);
                }
            }

            assertEquals(keys, map.size());
            for (int k = 0; k < keys; k += 7) {
                hash(hasher, "key-" + k);
                assertEquals(keys + k, map.get(hasher.high(), hasher.low()), "key-" + k);
            }
            hash(hasher, "never-put");
            assertEquals(-1, map.get(hasher.high(), hasher.low()));
            assertTrue(Files.size(file) >= map.capacity() * OffsetMap.SLOT_BYTES, "the table lives in the file");
            assertTrue(map.averageProbes() < 3, "short probes: " + map.averageProbes());
        }
        assertFalse(Files.exists(file), "the file is deleted on close");
    }

    @Test
    void spansSeveralMappingsWhenLargerThanOneGibibyte() throws IOException {
        long maxKeys = (long) (OffsetMap.SLOTS_PER_MAPPING * 1.5 * 0.7);
        KeyHasher hasher = new KeyHasher();
        try (OffsetMap map = OffsetMap.create(dir.resolve("big"), maxKeys)) {
            for (int k = 0; k < 200_000; k++) {
                hash(hasher, "k" + k);
                map.put(hasher.high(), hasher.low(), k);
            }
            for (int k = 0; k < 200_000; k++) {
                hash(hasher, "k" + k);
                assertEquals(k, map.get(hasher.high(), hasher.low()));
            }
            assertTrue(map.fileBytes() > (1L << 30), "more than one mapping");
        }
    }

    private static void hash(KeyHasher hasher, String key) {
        hasher.hash(ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)));
    }
}
