package io.skein.log.internal;

import io.skein.log.checkpoint.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * {@code partition.metadata}: which topic id a partition directory belongs to, in Kafka's text
 * format ({@code version: 0} then {@code topic_id: <base64 uuid>}). Written atomically (temp file,
 * fsync, rename, fsync of the directory).
 */
final class PartitionMetadataFile {

    static final String NAME = "partition.metadata";

    private PartitionMetadataFile() {
    }

    static void write(Path dir, Uuid topicId) throws IOException {
        String text = "version: 0\ntopic_id: " + topicId + "\n";
        AtomicFiles.write(dir.resolve(NAME), text.getBytes(StandardCharsets.UTF_8));
    }

    static Optional<Uuid> read(Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("topic_id:")) {
                return Optional.of(Uuid.fromString(line.substring("topic_id:".length()).trim()));
            }
        }
        return Optional.empty();
    }
}
