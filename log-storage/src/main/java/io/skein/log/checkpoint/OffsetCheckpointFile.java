package io.skein.log.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;


/**
 * A per-log-dir file mapping partitions to an offset, in Kafka's text format (so
 * {@code recovery-point-offset-checkpoint}, {@code log-start-offset-checkpoint} and
 * {@code replication-offset-checkpoint} read the same in Kafka's tools):
 * <pre>
 * 0                     version
 * 2                     number of entries
 * orders 0 1234         topic, partition, offset; one line per entry
 * orders 1 99
 * </pre>
 * Crash behaviour: written whole to {@code <name>.tmp}, fsynced, renamed over the old file and
 * the directory fsynced, so a reader sees either the old or the new content. The format has no
 * CRC (Kafka's has none either): a file that does not parse exactly (wrong version, count not
 * matching the lines, bad numbers) is reported as {@link CorruptCheckpointException} and the
 * caller falls back to full recovery.
 *
 * <p>Threading: stateless apart from the path; callers serialise writes to one file.
 */
public final class OffsetCheckpointFile {

    static final int VERSION = 0;

    private final Path file;

    public OffsetCheckpointFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Writes the entries atomically (tmp, fsync, rename, fsync of the directory). */
    public void write(Map<TopicPartition, Long> offsets) throws IOException {
        List<String> lines = new ArrayList<>(offsets.size());
        offsets.forEach((tp, offset) -> lines.add(tp.topic() + ' ' + tp.partition() + ' ' + offset));
        CheckpointText.write(file, VERSION, lines);
    }

    /**
     * Reads the entries; an empty map when the file does not exist.
     *
     * @throws CorruptCheckpointException when the file exists but is not a valid checkpoint
     */
    public Map<TopicPartition, Long> read() throws IOException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (String[] parts : CheckpointText.read(file, VERSION, 3).orElse(List.of())) {
            try {
                offsets.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            } catch (NumberFormatException e) {
                throw CheckpointText.badLine(file, String.join(" ", parts));
            }
        }
        return offsets;
    }
}
