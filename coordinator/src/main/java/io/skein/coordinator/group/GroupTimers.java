package io.skein.coordinator.group;

import io.skein.coordinator.records.ShardStatus;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the coordinator's delayed work (session expiry, rebalance deadlines, offset expiry) on one
 * scheduler thread, each task under its shard's lock and only while the shard is active.
 */
final class GroupTimers {

    private static final Logger log = LoggerFactory.getLogger(GroupTimers.class);

    private final ScheduledExecutorService scheduler;

    GroupTimers(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Runs {@code task} with {@code shard}'s lock held after {@code delayMs}, unless the shard stopped serving. */
    void schedule(GroupShard shard, long delayMs, Runnable task) {
        if (scheduler.isShutdown()) {
            return;
        }
        try {
            scheduler.schedule(() -> {
                synchronized (shard) {
                    if (shard.status() != ShardStatus.ACTIVE) {
                        return;
                    }
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        log.error("Group coordinator task for {} failed", shard.log().name(), e);
                    }
                }
            }, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }
}
