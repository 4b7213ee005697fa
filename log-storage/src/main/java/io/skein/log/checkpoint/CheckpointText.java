package io.skein.log.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Kafka's text checkpoint framing, shared by every checkpoint file: a version line, an entry-count
 * line, then one line of space-separated fields per entry. Written atomically
 * ({@link AtomicFiles}); read strictly (wrong version, a count that does not match the lines, or
 * a line with the wrong number of fields is a {@link CorruptCheckpointException}).
 */
public final class CheckpointText {

    private CheckpointText() {
    }

    /** Writes the entry lines under a version and count header, atomically and durably. */
    public static void write(Path file, int version, List<String> entryLines) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append(version).append('\n').append(entryLines.size()).append('\n');
        entryLines.forEach(line -> text.append(line).append('\n'));
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The entries' fields, each line split on whitespace into exactly {@code fields} parts; empty
     * when the file does not exist.
     */
    public static Optional<List<String[]>> read(Path file, int version, int fields) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (lines.size() < 2) {
            throw corrupt(file, "too short");
        }
        if (!lines.get(0).trim().equals(Integer.toString(version))) {
            throw corrupt(file, "unknown version '" + lines.get(0) + "'");
        }
        int count;
        try {
            count = Integer.parseInt(lines.get(1).trim());
        } catch (NumberFormatException e) {
            throw corrupt(file, "bad entry count '" + lines.get(1) + "'");
        }
        if (count < 0 || lines.size() - 2 != count) {
            throw corrupt(file, "expected " + count + " entries, found " + (lines.size() - 2));
        }
        List<String[]> entries = new ArrayList<>(count);
        for (int i = 2; i < lines.size(); i++) {
            String[] parts = lines.get(i).trim().split("\\s+");
            if (parts.length != fields) {
                throw badLine(file, lines.get(i));
            }
            entries.add(parts);
        }
        return Optional.of(entries);
    }

    /** The exception for an entry line whose fields do not parse. */
    public static CorruptCheckpointException badLine(Path file, String line) {
        return corrupt(file, "bad line '" + line + "'");
    }

    public static CorruptCheckpointException corrupt(Path file, String why) {
        return new CorruptCheckpointException("Checkpoint file " + file + " is corrupt: " + why);
    }
}
