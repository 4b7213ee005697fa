package io.skein.log.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One entry of {@code log.dirs} on disk: created if missing, checked writable, locked against other
 * processes with {@code .lock} ({@link FileChannel#tryLock}), and marked by
 * {@code .skein_cleanshutdown} after a clean close. Files:
 * <pre>
 * .lock                  empty; held with an exclusive OS lock while a registry uses the directory
 * .skein_cleanshutdown   empty; present only between a clean close and the next open
 * </pre>
 * Crash behaviour: the OS drops the lock with the process; a missing marker means the last run did
 * not close cleanly (the loader's future full-recovery trigger).
 *
 * <p>Threading: opened and closed by the registry under its monitor; immutable otherwise.
 */
final class LogDirectory implements AutoCloseable {

    static final String LOCK_FILE = ".lock";
    static final String CLEAN_SHUTDOWN_FILE = ".skein_cleanshutdown";

    private final Path path;
    private final FileChannel lockChannel;
    private final boolean cleanShutdown;

    private LogDirectory(Path path, FileChannel lockChannel, boolean cleanShutdown) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.cleanShutdown = cleanShutdown;
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
