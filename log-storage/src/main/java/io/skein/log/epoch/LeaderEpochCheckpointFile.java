package io.skein.log.epoch;

import io.skein.log.checkpoint.CheckpointText;
import io.skein.log.checkpoint.CorruptCheckpointException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A partition's {@code leader-epoch-checkpoint} in Kafka's text format, so Kafka's tools read it:
 * <pre>
 * 0           version
 * 2           number of entries
 * 0 0         epoch, start offset; one line per epoch, oldest first
 * 3 1234
 * </pre>
 * Crash behaviour: written whole to {@code leader-epoch-checkpoint.tmp}, fsynced, renamed over the
 * old file and the directory fsynced, so a reader sees the old or the new history. No CRC (Kafka's
 * has none); a file that does not parse exactly is reported as corrupt and the caller rebuilds
 * the history from the batches' partition leader epochs.
 *
 * <p>Threading: stateless apart from the path; the partition's writer is the only caller.
 */
public final class LeaderEpochCheckpointFile {

    public static final String FILE_NAME = "leader-epoch-checkpoint";
    static final int VERSION = 0;

    private final Path file;

    public LeaderEpochCheckpointFile(Path partitionDir) {
        this.file = partitionDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** Writes the history atomically (tmp, fsync, rename, fsync of the directory). */
    public void write(List<EpochEntry> entries) throws IOException {
        List<String> lines = new ArrayList<>(entries.size());
        for (EpochEntry e : entries) {
            lines.add(e.epoch() + " " + e.startOffset());
        }
        CheckpointText.write(file, VERSION, lines);
    }

    /**
     * The stored history; empty when the file does not exist.
     *
     * @throws CorruptCheckpointException with a one-line message when the file exists but does not
     *     parse or its entries are not in increasing order
     */
    public Optional<List<EpochEntry>> read() throws IOException {
        Optional<List<String[]>> lines = CheckpointText.read(file, VERSION, 2);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        List<EpochEntry> entries = new ArrayList<>(lines.get().size());
        for (String[] parts : lines.get()) {
            EpochEntry entry;
            try {
                entry = new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
            } catch (IllegalArgumentException e) {
                throw CheckpointText.badLine(file, String.join(" ", parts));
            }
            EpochEntry prev = entries.isEmpty() ? null : entries.get(entries.size() - 1);
            if (prev != null && (entry.epoch() <= prev.epoch() || entry.startOffset() < prev.startOffset())) {
                throw CheckpointText.corrupt(file, "entries not in increasing order at entry " + (entries.size() + 1));
            }
            entries.add(entry);
        }
        return Optional.of(entries);
    }
}
