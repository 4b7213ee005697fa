package io.skein.log.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetMapTest {

    @TempDir
    Path dir;

    /**
     * 3 million keys, two versions each, with 1 MiB of memory per partition (Kafka's fixed buffer
     * of that size holds ~44,000 keys): the map splits into partitions, spills and keeps the
     * latest offset of every key; its files go on close.
     */
    @Test
    void keepsTheLatestOffsetOfMillionsOfKeysWithFarLessMemoryThanTheTable() throws IOException {
        int keys = 3_000_000;
        KeyHasher hasher = new KeyHasher();
        try (OffsetMap map = OffsetMap.create(dir, "map", 2L * keys, 1 << 20)) {
            for (int version = 0; version < 2; version++) {
                for (int k = 0; k < keys; k++) {
                    hash(hasher, "key-" + k);
                    map.put(hasher.high(), hasher.low(), (long) version * keys + k);
                }
            }

            map.seal();

            assertEquals(keys, map.size());
            assertTrue(map.partitions() >= 128, "partitions: " + map.partitions());
            assertTrue(map.tableBytes() > 100L << 20, "the table is larger than the memory it was built in");
            for (int k = 0; k < keys; k += 7) {
                hash(hasher, "key-" + k);
                assertEquals(keys + k, map.get(hasher.high(), hasher.low()), "key-" + k);
            }
            hash(hasher, "never-put");
            assertEquals(-1, map.get(hasher.high(), hasher.low()));
            assertTrue(map.averageProbes() < 3, "short probes: " + map.averageProbes());
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "the files are deleted on close");
        }
    }

    @Test
    void anEmptyMapFindsNothing() throws IOException {
        try (OffsetMap map = OffsetMap.create(dir, "empty", 1000, 1 << 20)) {
            map.seal();
            assertEquals(-1, map.get(1, 2));
            assertEquals(0, map.size());
        }
    }

    private static void hash(KeyHasher hasher, String key) {
        hasher.hash(ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)));
    }
}
