package io.skein.log.internal;

import io.skein.log.api.StorageSettings;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background thread of a registry: every {@code log.retention.check.interval.ms} a retention
 * pass over all logs, every {@code log.flush.scheduler.interval.ms} the {@code flush.ms} check,
 * and the three checkpoints at their intervals (high watermarks every 5 s, Kafka's
 * {@code replica.high.watermark.checkpoint.interval.ms} default).
 *
 * <p>Threading: {@link #start} and {@link #close} by the registry's owner; the tasks run one at a
 * time on the single thread this object owns, so a retention pass and a checkpoint never overlap.
 * A task that fails logs one line and runs again at its next interval.
 */
final class LogMaintenance implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogMaintenance.class);

    /** Kafka's {@code replica.high.watermark.checkpoint.interval.ms} default. */
    static final long HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = 5_000L;

    private final DiskLogRegistry registry;
    private final StorageSettings settings;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "skein-log-maintenance");
        t.setDaemon(true);
        return t;
    });

    LogMaintenance(DiskLogRegistry registry, StorageSettings settings) {
        this.registry = registry;
        this.settings = settings;
    }

    void start() {
        every(settings.retentionCheckIntervalMs(), "retention check", registry::deleteOldSegments);
        every(settings.flushSchedulerIntervalMs(), "flush check", registry::flushDueLogs);
        every(settings.recoveryPointCheckpointIntervalMs(), "recovery point checkpoint",
                registry::checkpointRecoveryPoints);
        every(settings.startOffsetCheckpointIntervalMs(), "log start offset checkpoint",
                registry::checkpointLogStartOffsets);
        every(HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS, "high watermark checkpoint", registry::checkpointHighWatermarks);
    }

    private void every(long intervalMs, String what, Runnable task) {
        if (intervalMs <= 0 || intervalMs == Long.MAX_VALUE) {
            return;
        }
        thread.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("Log {} failed: {}", what, e.toString());
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        thread.shutdown(); // not shutdownNow: an interrupt would close the FileChannel a task is using
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
