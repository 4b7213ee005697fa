package io.skein.broker.purgatory;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Holds delayed operations keyed by what they wait for (e.g. a partition) until a change on one of
 * their keys satisfies them or their timeout fires.
 *
 * <p>Threading: thread-safe. {@link #checkAndComplete} is called by writers (produce handlers)
 * after an append; timeouts fire on the given scheduler. Operations complete on whichever thread
 * completes them, so {@link DelayedOperation#onComplete()} must be cheap and non-blocking.
 *
 * @param <K> the key type
 */
public final class Purgatory<K> {

    private final ConcurrentHashMap<K, Set<DelayedOperation>> watchers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;

    public Purgatory(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Parks the operation on the keys, then checks it once more so a change that happened between
     * the caller's own check and the parking is not missed.
     */
    public void watch(DelayedOperation operation, Collection<K> keys, long timeoutMs) {
        for (K key : keys) {
            watchers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(operation);
        }
        if (operation.tryComplete()) {
            unwatch(operation, keys);
            return;
        }
        // One task per operation: complete it if still waiting, and drop it from every key it watched
        // (checkAndComplete removes a completed operation only from the key that completed it).
        scheduler.schedule(() -> {
            operation.complete();
            unwatch(operation, keys);
        }, timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Something changed on this key: complete every operation watching it that is now satisfied. */
    public void checkAndComplete(K key) {
        Set<DelayedOperation> ops = watchers.get(key);
        if (ops == null || ops.isEmpty()) {
            return;
        }
        for (DelayedOperation op : ops) {
            if (op.isCompleted() || op.tryComplete()) {
                ops.remove(op);
            }
        }
    }

    private void unwatch(DelayedOperation operation, Collection<K> keys) {
        for (K key : keys) {
            Set<DelayedOperation> ops = watchers.get(key);
            if (ops != null) {
                ops.remove(operation); // empty sets stay: keys are partitions, a bounded set
            }
        }
    }

    /** Completes every parked operation (shutdown), so their clients get answers. */
    public void completeAll() {
        for (Set<DelayedOperation> ops : watchers.values()) {
            for (DelayedOperation op : ops) {
                op.complete();
            }
        }
        watchers.clear();
    }
}
