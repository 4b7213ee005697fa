package io.skein.log.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetCheckpointFileTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsEntriesInKafkasTextFormat() throws IOException {
        OffsetCheckpointFile file = new OffsetCheckpointFile(dir.resolve("recovery-point-offset-checkpoint"));
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        offsets.put(new TopicPartition("orders", 0), 1234L);
        offsets.put(new TopicPartition("my-topic.v2", 11), 0L);

        file.write(offsets);

        assertEquals("0\n2\norders 0 1234\nmy-topic.v2 11 0\n", Files.readString(file.file()));
        assertEquals(offsets, file.read());
        assertFalse(Files.exists(dir.resolve("recovery-point-offset-checkpoint.tmp")));
    }

    @Test
    void readsAMissingFileAsEmpty() throws IOException {
        assertEquals(Map.of(), new OffsetCheckpointFile(dir.resolve("absent")).read());
    }

    @Test
    void rejectsAFileWhoseCountDoesNotMatchItsLines() throws IOException {
        Path path = dir.resolve("log-start-offset-checkpoint");
        Files.writeString(path, "0\n3\norders 0 5\n", StandardCharsets.UTF_8);

        assertThrows(CorruptCheckpointException.class, new OffsetCheckpointFile(path)::read);
    }

    @Test
    void rejectsAnUnknownVersion() throws IOException {
        Path path = dir.resolve("log-start-offset-checkpoint");
        Files.writeString(path, "1\n0\n", StandardCharsets.UTF_8);

        assertThrows(CorruptCheckpointException.class, new OffsetCheckpointFile(path)::read);
    }

    @Test
    void rejectsAGarbledLine() throws IOException {
        Path path = dir.resolve("log-start-offset-checkpoint");
        Files.writeString(path, "0\n1\norders zero 5\n", StandardCharsets.UTF_8);

        assertThrows(CorruptCheckpointException.class, new OffsetCheckpointFile(path)::read);
    }
}
