package io.skein.log.epoch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
        StringBuilder text = new StringBuilder();
        text.append(VERSION).append('\n').append(entries.size()).append('\n');
        for (EpochEntry e : entries) {
            text.append(e.epoch()).append(' ').append(e.startOffset()).append('\n');
        }
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory; the rename is atomic there all the same
        }
    }

    /**
     * The stored history; empty when the file does not exist.
     *
     * @throws IOException with a one-line message when the file exists but does not parse
     */
    public Optional<List<EpochEntry>> read() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (lines.size() < 2 || !lines.get(0).trim().equals(Integer.toString(VERSION))) {
            throw corrupt("missing or unknown version");
        }
        int count;
        try {
            count = Integer.parseInt(lines.get(1).trim());
        } catch (NumberFormatException e) {
            throw corrupt("bad entry count '" + lines.get(1) + "'");
        }
        if (count < 0 || lines.size() - 2 != count) {
            throw corrupt("expected " + count + " entries, found " + (lines.size() - 2));
        }
        List<EpochEntry> entries = new ArrayList<>(count);
        for (int i = 2; i < lines.size(); i++) {
            String[] parts = lines.get(i).trim().split("\\s+");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                EpochEntry entry = new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                EpochEntry prev = entries.isEmpty() ? null : entries.get(entries.size() - 1);
                if (prev != null && (entry.epoch() <= prev.epoch() || entry.startOffset() < prev.startOffset())) {
                    throw corrupt("entries not in increasing order at line " + (i + 1));
                }
                entries.add(entry);
            } catch (IllegalArgumentException e) {
                throw corrupt("bad line '" + lines.get(i) + "'");
            }
        }
        return Optional.of(entries);
    }

    private IOException corrupt(String why) {
        return new CorruptEpochCheckpointException("Leader epoch checkpoint " + file + " is corrupt: " + why);
    }

    /** A checkpoint that does not parse; stack-less, it is an expected condition after disk damage. */
    public static final class CorruptEpochCheckpointException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptEpochCheckpointException(String message) {
            super(message, null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
