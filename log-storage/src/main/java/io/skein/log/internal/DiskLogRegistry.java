package io.skein.log.internal;

import io.skein.log.api.LogConfig;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logs in this node's {@code log.dirs}: locks each directory, loads every partition directory
 * found, creates and deletes partitions on request, and deletes removed directories in the
 * background.
 *
 * <p>Threading: lookups are lock-free ({@code logs} is concurrent); creation and deletion are
 * serialised on this object's monitor. The deleter thread only removes directories already
 * renamed out of the way.
 */
public final class DiskLogRegistry implements LogRegistry {

    private static final Logger log = LoggerFactory.getLogger(DiskLogRegistry.class);
    static final String CLEAN_SHUTDOWN = ".skein_cleanshutdown";
    private static final String LOCK = ".lock";

    private final List<Path> dirs;
    private final List<FileChannel> lockChannels;
    private final LogConfig defaultConfig;
    private final Map<TopicPartition, DiskPartitionLog> logs = new ConcurrentHashMap<>();
    private final ExecutorService deleter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "skein-log-deleter");
        t.setDaemon(true);
        return t;
    });

    private DiskLogRegistry(List<Path> dirs, List<FileChannel> lockChannels, LogConfig defaultConfig) {
        this.dirs = dirs;
        this.lockChannels = lockChannels;
        this.defaultConfig = defaultConfig;
    }

    public static LogRegistry open(List<Path> logDirs, LogConfig defaultConfig) throws IOException {
        List<FileChannel> locks = new ArrayList<>();
        try {
            for (Path dir : logDirs) {
                locks.add(prepare(dir));
            }
        } catch (IOException | RuntimeException e) {
            for (FileChannel c : locks) {
                c.close();
            }
            throw e;
        }
        DiskLogRegistry registry = new DiskLogRegistry(List.copyOf(logDirs), locks, defaultConfig);
        registry.loadAll();
        return registry;
    }

    private static FileChannel prepare(Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create log directory " + dir + " (" + e + ")", e);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IOException("log directory " + dir + " is not a writable directory");
        }
        FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("log directory " + dir + " is in use by another Skein process (" + LOCK + " is locked)");
        }
        Files.deleteIfExists(dir.resolve(CLEAN_SHUTDOWN));
        return channel;
    }

    private void loadAll() throws IOException {
        for (Path dir : dirs) {
            try (Stream<Path> children = Files.list(dir)) {
                for (Path child : children.filter(Files::isDirectory).toList()) {
                    String name = child.getFileName().toString();
                    if (name.endsWith("-delete")) {
                        deleter.execute(() -> deleteTree(child));
                        continue;
                    }
                    TopicPartition tp = parse(name);
                    if (tp == null) {
                        continue;
                    }
                    Optional<Uuid> id = PartitionMetadataFile.read(child);
                    DiskPartitionLog partitionLog = LogLoader.load(child, tp, id.orElse(Uuid.ZERO_UUID), defaultConfig);
                    logs.put(tp, partitionLog);
                }
            }
        }
        if (!logs.isEmpty()) {
            log.info("Loaded {} partition logs from {}", logs.size(), dirs);
        }
    }

    /** "topic-3" → topic-3 partition; null for names that are not partition directories. */
    static TopicPartition parse(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        try {
            return new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public Optional<PartitionLog> get(TopicPartition partition) {
        return Optional.ofNullable(logs.get(partition));
    }

    @Override
    public synchronized PartitionLog getOrCreate(TopicPartition partition, Uuid topicId, LogConfig config) {
        DiskPartitionLog existing = logs.get(partition);
        if (existing != null) {
            if (existing.topicId().equals(topicId) || Uuid.ZERO_UUID.equals(existing.topicId())) {
                if (Uuid.ZERO_UUID.equals(existing.topicId())) {
                    writeMetadata(existing.dir(), topicId);
                    existing = reopen(existing, topicId, config);
                }
                existing.updateConfig(config);
                return existing;
            }
            delete(partition);
        }
        Path dir = leastLoadedDir().resolve(partition.topic() + "-" + partition.partition());
        try {
            Files.createDirectories(dir);
            PartitionMetadataFile.write(dir, topicId);
            DiskPartitionLog created = LogLoader.load(dir, partition, topicId, config);
            logs.put(partition, created);
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log of " + partition + " in " + dir, e);
        }
    }

    private DiskPartitionLog reopen(DiskPartitionLog old, Uuid topicId, LogConfig config) {
        old.close();
        try {
            DiskPartitionLog reopened = LogLoader.load(old.dir(), old.topicPartition(), topicId, config);
            logs.put(old.topicPartition(), reopened);
            return reopened;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeMetadata(Path dir, Uuid topicId) {
        try {
            PartitionMetadataFile.write(dir, topicId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path leastLoadedDir() {
        return dirs.stream().min(Comparator.comparingLong(d -> logs.values().stream()
                .filter(l -> l.dir().getParent().equals(d)).count())).orElseThrow();
    }

    @Override
    public synchronized void delete(TopicPartition partition) {
        DiskPartitionLog removed = logs.remove(partition);
        if (removed == null) {
            return;
        }
        removed.close();
        Path dir = removed.dir();
        Path target = dir.resolveSibling(dir.getFileName() + "." + Uuid.randomUuid().toString().replace("-", "")
                + "-delete");
        try {
            Files.move(dir, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + dir + " for deletion", e);
        }
        deleter.execute(() -> deleteTree(target));
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", root, e.toString());
        }
    }

    @Override
    public Collection<PartitionLog> all() {
        return List.copyOf(logs.values());
    }

    @Override
    public synchronized void close() {
        for (DiskPartitionLog l : logs.values()) {
            l.close();
        }
        logs.clear();
        deleter.shutdown();
        try {
            deleter.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < dirs.size(); i++) {
            try {
                Files.createFile(dirs.get(i).resolve(CLEAN_SHUTDOWN));
            } catch (IOException e) {
                log.warn("Could not write the clean-shutdown marker in {}: {}", dirs.get(i), e.toString());
            }
            try {
                lockChannels.get(i).close();
            } catch (IOException e) {
                log.warn("Could not release the lock of {}: {}", dirs.get(i), e.toString());
            }
        }
    }
}
