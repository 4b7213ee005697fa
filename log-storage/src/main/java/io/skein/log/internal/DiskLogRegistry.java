package io.skein.log.internal;

import io.skein.log.checkpoint.AtomicFiles;
import io.skein.log.api.LogConfig;
import io.skein.log.api.LogRegistry;
import io.skein.log.api.PartitionLog;
import io.skein.log.api.StorageSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logs in this node's {@code log.dirs}: locks each directory, loads every
 * {@code <topic>-<partition>} directory found, creates partitions in the directory holding the
 * fewest, and deletes partitions by renaming their directory to
 * {@code <topic>-<partition>.<uuid>-delete} and removing it on the {@link DirectoryDeleter}'s thread.
 *
 * <p>Each directory keeps three checkpoints (see {@link LogDirectory}): recovery points, log start
 * offsets and high watermarks, written after load, periodically by the {@link LogMaintenance}
 * thread and on close.
 *
 * <p>Threading: lookups ({@link #get}, {@link #all}) are lock-free over a concurrent map;
 * creation, deletion, checkpoints and close are serialised on this object's monitor. The deleter
 * thread only touches directories already renamed out of the way; retention and flush checks run
 * on the maintenance thread under each log's own lock.
 */
public final class DiskLogRegistry implements LogRegistry {

    private static final Logger log = LoggerFactory.getLogger(DiskLogRegistry.class);
    private static final String DELETE_SUFFIX = "-delete";

    private final List<LogDirectory> dirs;
    private final LogConfig defaultConfig;
    private final Map<TopicPartition, DiskPartitionLog> logs = new ConcurrentHashMap<>();
    private final DirectoryDeleter deleter = new DirectoryDeleter();
    private final LogServices services;
    private final LogMaintenance maintenance;
    private boolean started;
    private boolean closed;

    private DiskLogRegistry(List<LogDirectory> dirs, StorageSettings settings, boolean soleReplica) {
        this.dirs = dirs;
        this.defaultConfig = settings.defaultConfig();
        this.services = new LogServices(settings.clock(), new SegmentFileDeleter(), new RolledSegmentFlusher(),
                soleReplica, this::checkpointAfterTruncation);
        this.maintenance = new LogMaintenance(this, settings);
    }

    /** Opens, locks and loads the log directories; see {@link LogRegistry#open}. */
    public static LogRegistry open(List<Path> logDirs, LogConfig defaultConfig, int recoveryThreadsPerDir)
            throws IOException {
        StorageSettings d = StorageSettings.defaults(logDirs, defaultConfig);
        return open(new StorageSettings(logDirs, defaultConfig, recoveryThreadsPerDir, d.clock(),
                d.flushSchedulerIntervalMs(), d.recoveryPointCheckpointIntervalMs(), d.startOffsetCheckpointIntervalMs(),
                d.retentionCheckIntervalMs()));
    }

    /** Opens, locks and loads the log directories; see {@link LogRegistry#open(StorageSettings)}. */
    public static DiskLogRegistry open(StorageSettings settings) throws IOException {
        return open(settings, true);
    }

    /**
     * As {@link #open(StorageSettings)}; with {@code soleReplica} false the logs start with the
     * high watermark of {@code replication-offset-checkpoint} and do not move it on appends (see
     * {@link LogRegistry#openReplicated}).
     */
    public static DiskLogRegistry open(StorageSettings settings, boolean soleReplica) throws IOException {
        List<Path> logDirs = settings.logDirs();
        int recoveryThreadsPerDir = settings.recoveryThreadsPerDir();
        if (logDirs.isEmpty()) {
            throw new IOException("No log directory configured (log.dirs is empty)");
        }
        List<LogDirectory> opened = new ArrayList<>();
        DiskLogRegistry registry = null;
        try {
            for (Path dir : logDirs) {
                opened.add(LogDirectory.open(dir));
            }
            registry = new DiskLogRegistry(List.copyOf(opened), settings, soleReplica);
            registry.loadAll(Math.max(1, recoveryThreadsPerDir));
            registry.checkpointRecoveryPoints();
            registry.checkpointLogStartOffsets();
            registry.checkpointHighWatermarks();
            return registry;
        } catch (IOException | RuntimeException e) {
            if (registry != null) {
                registry.shutDown(false);
            } else {
                for (LogDirectory d : opened) {
                    d.close();
                }
            }
            throw e;
        }
    }

    /**
     * Loads every partition directory; each log dir's partitions are loaded by its own pool of
     * {@code threadsPerDir} threads (recovery after a crash is I/O- and CRC-bound), all pools at once.
     */
    private void loadAll(int threadsPerDir) throws IOException {
        List<java.util.concurrent.Future<?>> loads = new ArrayList<>();
        List<java.util.concurrent.ExecutorService> pools = new ArrayList<>();
        try {
            for (LogDirectory dir : dirs) {
                List<Path> children;
                try (Stream<Path> list = Files.list(dir.path())) {
                    children = list.filter(Files::isDirectory).sorted().toList();
                }
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                        threadsPerDir, r -> new Thread(r, "skein-log-recovery-" + dir.path().getFileName()));
                pools.add(pool);
                Map<TopicPartition, Long> recoveryPoints = dir.readOrEmpty(dir.recoveryPointCheckpoint());
                Map<TopicPartition, Long> startOffsets = dir.readOrEmpty(dir.logStartOffsetCheckpoint());
                Map<TopicPartition, Long> highWatermarks = dir.readOrEmpty(dir.highWatermarkCheckpoint());
                for (Path child : children) {
                    String name = child.getFileName().toString();
                    if (name.endsWith(DELETE_SUFFIX)) {
                        deleter.submit(child);
                        continue;
                    }
                    TopicPartition tp = parse(name);
                    if (tp == null || tp.topic().equals(METADATA_TOPIC)) {
                        continue; // not a partition, or the Raft metadata log, which the quorum owns
                    }
                    loads.add(pool.submit(() -> {
                        Uuid topicId = PartitionMetadataFile.read(child).orElse(Uuid.ZERO_UUID);
                        LogLoader.LoadOptions options = new LogLoader.LoadOptions(!dir.wasCleanShutdown(),
                                recoveryPoints.getOrDefault(tp, 0L), startOffsets.getOrDefault(tp, -1L),
                                highWatermarks.getOrDefault(tp, 0L));
                        DiskPartitionLog loaded = LogLoader.load(child, tp, topicId, defaultConfig, options, services);
                        DiskPartitionLog other = logs.putIfAbsent(tp, loaded);
                        if (other != null) {
                            loaded.close();
                            throw new IOException("Partition " + tp + " has a directory in two log directories: "
                                    + other.dir() + " and " + child);
                        }
                        return null;
                    }));
                }
            }
            for (java.util.concurrent.Future<?> load : loads) {
                try {
                    load.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IOException(cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while loading logs", e);
                }
            }
        } finally {
            pools.forEach(java.util.concurrent.ExecutorService::shutdownNow);
        }
        log.info("Loaded {} partition logs from {} ({} recovery threads per dir)", logs.size(),
                dirs.stream().map(LogDirectory::path).toList(), threadsPerDir);
    }

    /** The metadata log's directory ({@code __cluster_metadata-0}) may sit in a log dir, as in Kafka. */
    static final String METADATA_TOPIC = "__cluster_metadata";

    /** "topic-3" → partition 3 of "topic"; null for names that are not partition directories. */
    static TopicPartition parse(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        String partition = name.substring(dash + 1);
        if (!partition.chars().allMatch(Character::isDigit) || partition.length() > 9) {
            return null;
        }
        return new TopicPartition(name.substring(0, dash), Integer.parseInt(partition));
    }

    @Override
    public Optional<PartitionLog> get(TopicPartition partition) {
        return Optional.ofNullable(logs.get(partition));
    }

    @Override
    public synchronized PartitionLog getOrCreate(TopicPartition partition, Uuid topicId, LogConfig config) {
        ensureOpen();
        DiskPartitionLog existing = logs.get(partition);
        if (existing != null && existing.topicId().equals(topicId)) {
            existing.updateConfig(config);
            return existing;
        }
        try {
            if (existing != null && Uuid.ZERO_UUID.equals(existing.topicId())) {
                // a directory without partition.metadata: adopt it for this topic id
                existing.close();
                PartitionMetadataFile.write(existing.dir(), topicId);
                DiskPartitionLog adopted = LogLoader.load(existing.dir(), partition, topicId, config,
                        new LogLoader.LoadOptions(false, 0, existing.logStartOffset(),
                                existing.highWatermark()), services);
                logs.put(partition, adopted);
                return adopted;
            }
            if (existing != null) {
                log.info("Deleting the log of {} in {}: it belongs to topic id {}, not {}", partition,
                        existing.dir(), existing.topicId(), topicId);
                delete(partition);
            }
            Path dir = leastLoadedDir().resolve(partition.topic() + "-" + partition.partition());
            Files.createDirectories(dir);
            PartitionMetadataFile.write(dir, topicId);
            DiskPartitionLog created = LogLoader.load(dir, partition, topicId, config, LogLoader.LoadOptions.NEW_LOG,
                    services);
            logs.put(partition, created);
            log.info("Created the log of {} (topic id {}) in {}", partition, topicId, dir);
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the log of " + partition + ": " + e.getMessage(), e);
        }
    }

    private Path leastLoadedDir() {
        return dirs.stream().map(LogDirectory::path)
                .min(Comparator.comparingLong(d -> logs.values().stream().filter(l -> l.dir().getParent().equals(d))
                        .count()))
                .orElseThrow();
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
                + DELETE_SUFFIX);
        try {
            Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot rename " + dir + " for deletion: " + e.getMessage(), e);
        }
        log.info("Deleted the log of {}; removing {} in the background", partition, target);
        deleter.submit(target);
    }

    @Override
    public Collection<PartitionLog> all() {
        return List.copyOf(logs.values());
    }

    @Override
    public io.skein.log.compaction.LogCleaner newCleaner(io.skein.log.compaction.CleanerSettings cleanerSettings) {
        return new io.skein.log.compaction.LogCleaner(cleanerSettings, services.clock(),
                dirs.stream().map(LogDirectory::path).toList(),
                () -> logs.values().stream().<io.skein.log.compaction.CleanableLog>map(CleanableDiskLog::new).toList());
    }

    /** Starts the background retention, flush and checkpoint tasks. */
    @Override
    public synchronized void start() {
        ensureOpen();
        if (!started) {
            started = true;
            maintenance.start();
        }
    }

    /** One retention pass over every log; returns the number of segments deleted. */
    public int deleteOldSegments() {
        int deleted = 0;
        for (DiskPartitionLog l : logs.values()) {
            deleted += l.deleteOldSegments();
        }
        if (deleted > 0) {
            checkpointLogStartOffsets();
        }
        return deleted;
    }

    /** Flushes the logs whose {@code flush.ms} has passed. */
    void flushDueLogs() {
        for (DiskPartitionLog l : logs.values()) {
            l.flushIfDue();
        }
    }

    /** Writes every directory's {@code recovery-point-offset-checkpoint}. */
    public synchronized void checkpointRecoveryPoints() {
        writeCheckpoints(Checkpoint.RECOVERY_POINT);
    }

    /** Writes every directory's {@code log-start-offset-checkpoint}. */
    public synchronized void checkpointLogStartOffsets() {
        writeCheckpoints(Checkpoint.LOG_START_OFFSET);
    }

    /** A log was truncated: its recovery point and high watermark may have moved down. */
    private synchronized void checkpointAfterTruncation() {
        if (!closed) {
            checkpointRecoveryPoints();
            checkpointHighWatermarks();
        }
    }

    /** Writes every directory's {@code replication-offset-checkpoint} (the high watermarks). */
    public synchronized void checkpointHighWatermarks() {
        writeCheckpoints(Checkpoint.HIGH_WATERMARK);
    }

    /** The per-directory offset checkpoints. */
    private enum Checkpoint { RECOVERY_POINT, LOG_START_OFFSET, HIGH_WATERMARK }

    private void writeCheckpoints(Checkpoint which) {
        for (LogDirectory dir : dirs) {
            Map<TopicPartition, Long> offsets = new java.util.TreeMap<>(
                    Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            for (DiskPartitionLog l : logs.values()) {
                if (l.dir().getParent().equals(dir.path())) {
                    offsets.put(l.topicPartition(), switch (which) {
                        case RECOVERY_POINT -> l.recoveryPoint();
                        case LOG_START_OFFSET -> l.logStartOffset();
                        case HIGH_WATERMARK -> l.highWatermark();
                    });
                }
            }
            var file = switch (which) {
                case RECOVERY_POINT -> dir.recoveryPointCheckpoint();
                case LOG_START_OFFSET -> dir.logStartOffsetCheckpoint();
                case HIGH_WATERMARK -> dir.highWatermarkCheckpoint();
            };
            try {
                file.write(offsets);
            } catch (IOException e) {
                log.warn("Could not write {}: {}", file.file(), e.toString());
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The log registry is closed");
        }
    }

    @Override
    public void close() {
        shutDown(true);
    }

    /**
     * Stops as a killed process would leave the directories: no checkpoints written at the end and
     * no clean-shutdown marker (the files are still closed, so tests can reopen). For tests.
     */
    void closeAsAfterCrash() {
        shutDown(false);
    }

    /** Closes every log, stops the deleter and releases the locks; marks the directories clean if asked. */
    private synchronized void shutDown(boolean markClean) {
        if (closed) {
            return;
        }
        closed = true;
        maintenance.close();
        services.flusher().close();
        for (DiskPartitionLog l : logs.values()) {
            l.close();
        }
        if (markClean) {
            for (Checkpoint which : Checkpoint.values()) {
                writeCheckpoints(which);
            }
        }
        logs.clear();
        deleter.close();
        services.deleter().close();
        for (LogDirectory dir : dirs) {
            try {
                if (markClean) {
                    dir.markCleanShutdown();
                }
            } catch (IOException e) {
                log.warn("Could not write the clean-shutdown marker in {}: {}", dir.path(), e.toString());
            }
            try {
                dir.close();
            } catch (IOException e) {
                log.warn("Could not release the lock of {}: {}", dir.path(), e.toString());
            }
        }
    }
}
