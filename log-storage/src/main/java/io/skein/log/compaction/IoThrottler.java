package io.skein.log.compaction;

import java.util.concurrent.TimeUnit;

/**
 * Limits the cleaner's I/O to {@code log.cleaner.io.max.bytes.per.second} (reads and writes of
 * every cleaner thread together): a thread that got ahead of the rate sleeps until it is back on it.
 *
 * <p>Threading: shared by the cleaner threads; {@link #acquire} is synchronized (the sleep is
 * taken outside the lock).
 */
final class IoThrottler {

    private final double bytesPerSecond;
    private long windowStartNanos = System.nanoTime();
    private double bytesInWindow;

    IoThrottler(double bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    static IoThrottler unlimited() {
        return new IoThrottler(Double.MAX_VALUE);
    }

    /** Accounts for {@code bytes} of I/O, sleeping as long as the rate requires. */
    void acquire(long bytes) {
        if (bytesPerSecond >= Double.MAX_VALUE || bytes <= 0) {
            return;
        }
        long sleepNanos;
        synchronized (this) {
            long now = System.nanoTime();
            if (now - windowStartNanos > TimeUnit.SECONDS.toNanos(1)) {
                windowStartNanos = now;
                bytesInWindow = 0;
            }
            bytesInWindow += bytes;
            double dueNanos = bytesInWindow / bytesPerSecond * 1e9;
            sleepNanos = (long) dueNanos - (now - windowStartNanos);
        }
        if (sleepNanos > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(sleepNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
