package io.skein.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.LogConfig;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskLogRegistryTest {

    @TempDir
    Path dir;

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static List<String> children(Path p) throws IOException {
        try (Stream<Path> s = Files.list(p)) {
            return s.map(c -> c.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void secondRegistryOnTheSameDirectoryFailsWithAClearError() throws IOException {
        try (LogRegistry first = LogRegistry.open(List.of(dir), LogConfig.defaults())) {
            IOException e = assertThrows(IOException.class, () -> LogRegistry.open(List.of(dir), LogConfig.defaults()));

            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
            assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
            assertTrue(first.all().isEmpty(), "the first registry keeps working");
        }
    }

    @Test
    void recoversManyPartitionsInParallelAfterAnUncleanStop() throws IOException {
        Uuid id = Uuid.randomUuid();
        try (LogRegistry registry = LogRegistry.open(List.of(dir), LogConfig.defaults())) {
            for (int p = 0; p < 20; p++) {
                PartitionLog log = registry.getOrCreate(new TopicPartition("many", p), id, LogConfig.defaults());
                for (int b = 0; b <= p; b++) {
                    log.append(Batches.batch(3), new io.skein.log.api.AppendContext(0, System.currentTimeMillis()));
                }
            }
        }
        Files.delete(dir.resolve(LogDirectory.CLEAN_SHUTDOWN_FILE));

        try (LogRegistry registry = LogRegistry.open(List.of(dir), LogConfig.defaults(), 4)) {
            assertEquals(20, registry.all().size());
            for (int p = 0; p < 20; p++) {
                assertEquals(3L * (p + 1), registry.get(new TopicPartition("many", p)).orElseThrow().logEndOffset());
            }
        }
    }

    @Test
    void leavesTheMetadataLogDirectoryAlone() throws IOException {
        Path metadata = Files.createDirectories(dir.resolve("__cluster_metadata-0").resolve("raft-group"));

        try (LogRegistry registry = LogRegistry.open(List.of(dir), LogConfig.defaults())) {
            assertTrue(registry.all().isEmpty());
        }

        assertEquals(List.of("raft-group"), children(metadata.getParent()));
    }

    @Test
    void aLogDirectoryThatIsAFileFailsNamingIt() throws IOException {
        Path file = Files.createFile(dir.resolve("not-a-dir"));

        IOException e = assertThrows(IOException.class, () -> LogRegistry.open(List.of(file), LogConfig.defaults()));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void writesPartitionMetadataInKafkasFormat() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            String text = Files.readString(f.partitionDir().resolve("partition.metadata"), StandardCharsets.UTF_8);

            assertEquals("version: 0\ntopic_id: " + LogFixture.TOPIC_ID + "\n", text);
        }
    }

    @Test
    void cleanShutdownMarkerIsWrittenOnCloseAndRemovedOnOpen() throws IOException {
        Path marker = dir.resolve(".skein_cleanshutdown");
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            assertFalse(Files.exists(marker));
            f.registry.close();
            assertTrue(Files.exists(marker));

            f.reopen(LogConfig.defaults());

            assertFalse(Files.exists(marker));
        }
    }

    @Test
    void deletedPartitionCanBeCreatedAgainEmpty() throws Exception {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.batch(5));

            f.registry.delete(LogFixture.TP);
            PartitionLog again = f.registry.getOrCreate(LogFixture.TP, LogFixture.TOPIC_ID, LogConfig.defaults());

            assertEquals(0, again.logEndOffset());
            assertEquals(0, again.append(Batches.batch(2), new io.skein.log.api.AppendContext(0,
                    System.currentTimeMillis())).baseOffset());
            waitFor(() -> {
                try {
                    return children(dir).stream().noneMatch(n -> n.endsWith("-delete"));
                } catch (IOException e) {
                    return false;
                }
            }, "the deleted directory to be removed");
            assertEquals(List.of(".lock", "log-start-offset-checkpoint", "orders-0", "recovery-point-offset-checkpoint",
                    "replication-offset-checkpoint"), children(dir));
        }
    }

    @Test
    void aDirectoryOfAnotherTopicIdIsReplaced() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.batch(5));
            Uuid newId = Uuid.randomUuid();

            PartitionLog log = f.registry.getOrCreate(LogFixture.TP, newId, LogConfig.defaults());

            assertEquals(newId, log.topicId());
            assertEquals(0, log.logEndOffset());
            assertTrue(Files.readString(f.partitionDir().resolve("partition.metadata")).contains(newId.toString()));
        }
    }

    @Test
    void reopenedRegistryKnowsTheTopicIdAndReturnsTheSameLog() throws IOException {
        try (LogFixture f = new LogFixture(dir, LogConfig.defaults())) {
            f.append(Batches.batch(5));

            f.reopen(LogConfig.defaults());

            assertEquals(LogFixture.TOPIC_ID, f.log.topicId());
            assertEquals(f.log, f.registry.getOrCreate(LogFixture.TP, LogFixture.TOPIC_ID, LogConfig.defaults()));
            assertEquals(5, f.log.logEndOffset());
        }
    }

    @Test
    void leftoverDeleteDirectoriesAreRemovedOnOpen() throws Exception {
        Files.createDirectories(dir.resolve("old-0.0123456789abcdef0123456789abcdef-delete"));
        Files.writeString(dir.resolve("old-0.0123456789abcdef0123456789abcdef-delete/00000000000000000000.log"), "x");

        try (LogRegistry registry = LogRegistry.open(List.of(dir), LogConfig.defaults())) {
            waitFor(() -> !Files.exists(dir.resolve("old-0.0123456789abcdef0123456789abcdef-delete")),
                    "the leftover directory to be removed");
            assertTrue(registry.all().isEmpty());
        }
    }

    @Test
    void newPartitionsGoToTheLogDirectoryWithFewestPartitions() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        try (LogRegistry registry = LogRegistry.open(List.of(a, b), LogConfig.defaults())) {
            Uuid id = Uuid.randomUuid();
            registry.getOrCreate(new TopicPartition("t", 0), id, LogConfig.defaults());
            registry.getOrCreate(new TopicPartition("t", 1), id, LogConfig.defaults());
            registry.getOrCreate(new TopicPartition("t", 2), id, LogConfig.defaults());

            int inA = (int) children(a).stream().filter(n -> n.startsWith("t-")).count();
            int inB = (int) children(b).stream().filter(n -> n.startsWith("t-")).count();
            assertEquals(3, inA + inB);
            assertNotEquals(0, inA);
            assertNotEquals(0, inB);
        }
    }

    @Test
    void parsesPartitionDirectoryNames() {
        assertEquals(new TopicPartition("my-topic", 12), DiskLogRegistry.parse("my-topic-12"));
        assertEquals(null, DiskLogRegistry.parse("my-topic"));
        assertEquals(null, DiskLogRegistry.parse("my-topic-1.abc-delete"));
    }
}
