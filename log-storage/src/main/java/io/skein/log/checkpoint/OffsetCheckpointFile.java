package io.skein.log.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * A per-log-dir file mapping partitions to an offset, in Kafka's text format (so
 * {@code recovery-point-offset-checkpoint} and {@code log-start-offset-checkpoint} read the same
 * in Kafka's tools):
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

    /** The checkpoint's content with an ordinary stack-less exception when it does not parse. */
    public static final class CorruptCheckpointException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptCheckpointException(String message) {
            super(message, null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** Writes the entries atomically (tmp, fsync, rename, fsync of the directory). */
    public void write(Map<TopicPartition, Long> offsets) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append(VERSION).append('\n').append(offsets.size()).append('\n');
        offsets.forEach((tp, offset) -> text.append(tp.topic()).append(' ').append(tp.partition()).append(' ')
                .append(offset).append('\n'));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
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
     * Reads the entries; an empty map when the file does not exist.
     *
     * @throws CorruptCheckpointException when the file exists but is not a valid checkpoint
     */
    public Map<TopicPartition, Long> read() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        if (lines.size() < 2) {
            throw corrupt("too short");
        }
        if (!lines.get(0).trim().equals(Integer.toString(VERSION))) {
            throw corrupt("unknown version '" + lines.get(0) + "'");
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
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (int i = 2; i < lines.size(); i++) {
            String[] parts = lines.get(i).trim().split(" ");
            if (parts.length != 3) {
                throw corrupt("bad line '" + lines.get(i) + "'");
            }
            try {
                offsets.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            } catch (NumberFormatException e) {
                throw corrupt("bad line '" + lines.get(i) + "'");
            }
        }
        return offsets;
    }

    private CorruptCheckpointException corrupt(String why) {
        return new CorruptCheckpointException("Checkpoint file " + file + " is corrupt: " + why);
    }
}
