package io.skein.log.compaction;

import io.skein.log.checkpoint.OffsetCheckpointFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log cleaner of one node: {@code log.cleaner.threads} {@link CleanerThread}s that
 * repeatedly pick the dirtiest compacted log ({@link CleanerPolicy}) no other thread is cleaning,
 * clean it ({@link Cleaner}) and record how far it is clean in the log dir's
 * {@code cleaner-offset-checkpoint} (Kafka's text format, {@link OffsetCheckpointFile}).
 *
 * <p>Lifecycle: {@link #start} loads the checkpoints, deletes offset-map files a crash left and
 * starts the threads (none when {@code log.cleaner.enable=false}); {@link #close} asks the threads
 * to stop (a cleaning in progress is abandoned at its next chunk, leaving the log as it was) and
 * waits for them. Close it before the logs.
 *
 * <p>Threading: the clean points are a concurrent map (threads update different logs; the
 * in-progress set keeps two threads off one log); checkpoint writes are serialised on this
 * object. {@link #cleanOnce} runs a cleaning on the caller's thread (tests, the benchmark).
 */
public final class LogCleaner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);
    static final String CHECKPOINT_FILE = "cleaner-offset-checkpoint";
    static final String MAP_FILE_PREFIX = ".cleaner-offset-map-";
    private static final int BUFFER_BYTES = 1 << 20;

    private final CleanerSettings settings;
    private final Clock clock;
    private final List<Path> logDirs;
    private final Supplier<Collection<CleanableLog>> logs;
    private final IoThrottler throttler;
    private final Map<TopicPartition, Long> cleanPoints = new ConcurrentHashMap<>();
    private final Set<TopicPartition> inProgress = ConcurrentHashMap.newKeySet();
    private final List<CleanerThread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private boolean started;

    /**
     * @param logDirs the log directories (one checkpoint and the offset-map files in each)
     * @param logs the current logs; the compacted ones are cleaned
     */
    public LogCleaner(CleanerSettings settings, Clock clock, List<Path> logDirs,
                      Supplier<Collection<CleanableLog>> logs) {
        this.settings = settings;
        this.clock = clock;
        this.logDirs = List.copyOf(logDirs);
        this.logs = logs;
        this.throttler = new IoThrottler(settings.ioMaxBytesPerSecond());
    }

    /** Loads the checkpoints, removes stale map files and starts the threads if enabled. */
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        for (Path dir : logDirs) {
            try {
                cleanPoints.putAll(checkpoint(dir).read());
            } catch (IOException e) {
                log.warn("Ignoring {} (every compacted log in {} counts as dirty): {}", checkpoint(dir).file(), dir,
                        e.toString());
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith(MAP_FILE_PREFIX)).toList()) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException e) {
                log.warn("Could not remove old cleaner offset-map files in {}: {}", dir, e.toString());
            }
        }
        if (!settings.enabled()) {
            log.info("The log cleaner is disabled (log.cleaner.enable=false): compacted topics are not compacted");
            return;
        }
        for (int i = 0; i < settings.threads(); i++) {
            CleanerThread t = new CleanerThread(this, newCleaner(i), settings.backoffMs(), "skein-log-cleaner-" + i);
            threads.add(t);
            t.start();
        }
        log.info("Started {} log cleaner threads (backoff {} ms)", settings.threads(), settings.backoffMs());
    }

    private Cleaner newCleaner(int id) {
        return new Cleaner(logDirs.get(id % logDirs.size()), MAP_FILE_PREFIX + id,
                Math.max(1 << 20, settings.mapMemoryBytes() / settings.threads()), BUFFER_BYTES, throttler,
                () -> stopping);
    }

    /**
     * Picks the dirtiest log no one is cleaning and cleans it with {@code cleaner}; returns the
     * stats, or null when no log needed cleaning.
     */
    CleanerStats cleanDirtiest(Cleaner cleaner) {
        long now = clock.millis();
        CleanableLog chosen = null;
        CleaningPlan chosenPlan = null;
        Collection<CleanableLog> current = logs.get();
        Set<TopicPartition> present = new java.util.HashSet<>();
        current.forEach(l -> present.add(l.topicPartition()));
        cleanPoints.keySet().retainAll(present); // a deleted partition's clean point must not outlive it
        for (CleanableLog l : current) {
            if (!l.config().compact() || inProgress.contains(l.topicPartition())) {
                continue;
            }
            CleaningPlan plan = CleanerPolicy.plan(new ArrayList<>(l.segments().all()), l.logStartOffset(),
                    l.lastStableOffset(), cleanPoints.getOrDefault(l.topicPartition(), -1L), l.config().compaction(), now);
            if (plan != null && (chosenPlan == null || (plan.forced() && !chosenPlan.forced())
                    || (plan.forced() == chosenPlan.forced() && plan.dirtyRatio() > chosenPlan.dirtyRatio()))) {
                chosen = l;
                chosenPlan = plan;
            }
        }
        if (chosen == null || !inProgress.add(chosen.topicPartition())) {
            return null;
        }
        try {
            return cleanLog(cleaner, chosen, chosenPlan, now);
        } finally {
            inProgress.remove(chosen.topicPartition());
        }
    }

    private CleanerStats cleanLog(Cleaner cleaner, CleanableLog l, CleaningPlan plan, long now) {
        TopicPartition tp = l.topicPartition();
        try {
            CleanerStats stats = cleaner.clean(l, plan, now);
            cleanPoints.put(tp, plan.endOffset());
            writeCheckpoint(l.dir().getParent());
            double seconds = stats.totalNanos() / 1e9;
            log.info("Cleaned {}: {} segments ({} bytes, {} dirty, dirty ratio {}) into {} ({} bytes); {} keys, {} of "
                    + "{} records kept; {} ms ({} MB/s of dirty log); clean up to offset {}", tp,
                    stats.segmentsBefore(), stats.bytesRead(), stats.dirtyBytes(),
                    String.format("%.2f", plan.dirtyRatio()), stats.segmentsAfter(), stats.bytesWritten(),
                    stats.keysMapped(), stats.recordsRetained(), stats.recordsRead(), stats.totalNanos() / 1_000_000,
                    String.format("%.1f", stats.dirtyBytes() / 1e6 / Math.max(seconds, 1e-9)), plan.endOffset());
            return stats;
        } catch (Cleaner.LogChangedException e) {
            log.info("Stopped cleaning {}: {}; it is cleaned again later", tp, e.getMessage());
        } catch (IOException e) {
            if (!Files.isDirectory(l.dir())) {
                log.info("Stopped cleaning {}: its log was deleted", tp);
            } else {
                log.error("Cleaning {} in {} failed; it is retried after {} ms", tp, l.dir(), settings.backoffMs(), e);
            }
        } catch (RuntimeException e) {
            log.error("Cleaning {} in {} failed; it is retried after {} ms", tp, l.dir(), settings.backoffMs(), e);
        }
        return null;
    }

    /** Cleans the dirtiest log on the caller's thread (tests, the benchmark); null when none is due. */
    public CleanerStats cleanOnce() {
        return cleanDirtiest(new Cleaner(logDirs.get(0), MAP_FILE_PREFIX + "caller",
                Math.max(1 << 20, settings.mapMemoryBytes()), BUFFER_BYTES, throttler, () -> stopping));
    }

    /** How far the log is clean (-1 when it never was). */
    public long cleanPoint(TopicPartition tp) {
        return cleanPoints.getOrDefault(tp, -1L);
    }

    private synchronized void writeCheckpoint(Path dir) {
        Map<TopicPartition, Long> offsets = new TreeMap<>(
                Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        for (CleanableLog l : logs.get()) {
            Long point = cleanPoints.get(l.topicPartition());
            if (point != null && l.dir().getParent().equals(dir)) {
                offsets.put(l.topicPartition(), point);
            }
        }
        try {
            checkpoint(dir).write(offsets);
        } catch (IOException e) {
            log.warn("Could not write {}: {}", checkpoint(dir).file(), e.toString());
        }
    }

    private static OffsetCheckpointFile checkpoint(Path dir) {
        return new OffsetCheckpointFile(dir.resolve(CHECKPOINT_FILE));
    }

    boolean stopping() {
        return stopping;
    }

    /** Stops the threads (a cleaning in progress is abandoned) and waits for them. */
    @Override
    public void close() {
        stopping = true;
        List<CleanerThread> running;
        synchronized (this) {
            running = List.copyOf(threads);
        }
        running.forEach(CleanerThread::wake);
        for (CleanerThread t : running) {
            t.awaitExit();
        }
    }
}
