package io.skein.log.internal;

import io.skein.log.checkpoint.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import io.skein.log.checkpoint.OffsetCheckpointFile;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One entry of {@code log.dirs} on disk: created if missing, checked writable, locked against other
 * processes with {@code .lock} ({@link FileChannel#tryLock}), and marked by
 * {@code .skein_cleanshutdown} after a clean close. Files:
 * <pre>
 * .lock                  empty; held with an exclusive OS lock while a registry uses the directory
 * .skein_cleanshutdown   empty; present only between a clean close and the next open
 * recovery-point-offset-checkpoint   per partition, the offset below which the log was on disk
 * log-start-offset-checkpoint        per partition, the log start offset
 * replication-offset-checkpoint      per partition, the high watermark
 * </pre>
 * (checkpoint format in {@link OffsetCheckpointFile}). Crash behaviour: the OS drops the lock with
 * the process; a missing marker means the last run did not close cleanly, and the loader then
 * recovers every segment past the partition's recovery point. A corrupt or missing checkpoint is
 * treated as empty: recovery point 0 (recover everything), log start offset from the segments.
 *
 * <p>Threading: opened and closed by the registry under its monitor; immutable otherwise.
 */
final class LogDirectory implements AutoCloseable {

    static final String LOCK_FILE = ".lock";
    static final String CLEAN_SHUTDOWN_FILE = ".skein_cleanshutdown";
    static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    static final String LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint";
    static final String HIGH_WATERMARK_CHECKPOINT = "replication-offset-checkpoint";

    private static final Logger log = LoggerFactory.getLogger(LogDirectory.class);

    private final Path path;
    private final FileChannel lockChannel;
    private final boolean cleanShutdown;
    private final OffsetCheckpointFile recoveryPoints;
    private final OffsetCheckpointFile logStartOffsets;
    private final OffsetCheckpointFile highWatermarks;

    private LogDirectory(Path path, FileChannel lockChannel, boolean cleanShutdown) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.cleanShutdown = cleanShutdown;
        this.recoveryPoints = new OffsetCheckpointFile(path.resolve(RECOVERY_POINT_CHECKPOINT));
        this.logStartOffsets = new OffsetCheckpointFile(path.resolve(LOG_START_OFFSET_CHECKPOINT));
        this.highWatermarks = new OffsetCheckpointFile(path.resolve(HIGH_WATERMARK_CHECKPOINT));
    }

    OffsetCheckpointFile highWatermarkCheckpoint() {
        return highWatermarks;
    }

    OffsetCheckpointFile recoveryPointCheckpoint() {
        return recoveryPoints;
    }

    OffsetCheckpointFile logStartOffsetCheckpoint() {
        return logStartOffsets;
    }

    /** A checkpoint's entries; empty (with one WARN line) when the file is corrupt or unreadable. */
    Map<TopicPartition, Long> readOrEmpty(OffsetCheckpointFile checkpoint) {
        try {
            return checkpoint.read();
        } catch (IOException e) {
            log.warn("Ignoring {}: {}; its partitions are recovered from their segments", checkpoint.file(),
                    e.getMessage());
            return Map.of();
        }
    }

    /**
     * Creates, checks and locks the directory, then removes its clean-shutdown marker.
     *
     * @throws IOException naming the directory when it cannot be created, written or locked
     */
    static LogDirectory open(Path dir) throws IOException {
        Path path = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new IOException("Cannot create log directory " + path + ": " + e, e);
        }
        checkWritable(path);
        FileChannel channel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw new IOException("Cannot lock log directory " + path + ": " + e, e);
        }
        if (lock == null) {
            channel.close();
            throw new IOException("Log directory " + path + " is already in use by another Skein broker ("
                    + path.resolve(LOCK_FILE) + " is locked); each log directory can be used by only one broker");
        }
        boolean clean = Files.deleteIfExists(path.resolve(CLEAN_SHUTDOWN_FILE));
        AtomicFiles.syncDirectory(path);
        return new LogDirectory(path, channel, clean);
    }

    private static void checkWritable(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            throw new IOException("Log directory " + path + " is not a directory");
        }
        Path probe = path.resolve(".skein_write_probe");
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException("Log directory " + path + " is not writable: " + e, e);
        }
    }

    Path path() {
        return path;
    }

    /** Whether the previous run closed this directory cleanly (the marker was present on open). */
    boolean wasCleanShutdown() {
        return cleanShutdown;
    }

    /** Writes the clean-shutdown marker; call after every log in the directory was flushed and closed. */
    void markCleanShutdown() throws IOException {
        AtomicFiles.write(path.resolve(CLEAN_SHUTDOWN_FILE), new byte[0]);
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        lockChannel.close();
    }
}
