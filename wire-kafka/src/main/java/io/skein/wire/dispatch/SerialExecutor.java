package io.skein.wire.dispatch;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one after another, in submission order, on a shared pool: one per connection, so a
 * connection's requests start in order while different connections run in parallel. A task ends
 * when it returns; what it started asynchronously does not hold up the next one.
 *
 * <p>Threading: {@link #execute} may be called from any thread; the queue and the running flag are
 * guarded by this object's monitor, and at most one task runs at a time.
 */
public final class SerialExecutor implements Executor {

    private final Executor pool;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;

    public SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    /** @throws RejectedExecutionException if the pool refuses work; the task is then dropped */
    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            queue.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                queue.clear();
                running = false;
            }
            throw e;
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            next.run();
        }
    }
}
