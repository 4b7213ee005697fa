package io.skein.wire.connection;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Server-wide count of requests read but not yet answered (response written to the channel, or
 * dropped with its connection), so a clean stop can wait for them.
 *
 * <p>Threading: updated by every event loop, read by the thread that stops the server.
 */
public final class InFlightRequests {

    private final AtomicInteger count = new AtomicInteger();

    void add(int n) {
        count.addAndGet(n);
    }

    public int count() {
        return count.get();
    }

    /** Waits until no request is in flight or the deadline ({@link System#nanoTime()}) passes. */
    public boolean awaitNone(long deadlineNanos) {
        while (count.get() > 0) {
            if (System.nanoTime() - deadlineNanos >= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }
}
