package io.skein.log.compaction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cleaner thread: cleans the dirtiest log, again at once if there was one, else sleeps
 * {@code log.cleaner.backoff.ms}. Never interrupted (an interrupt would close the segment
 * channels it reads, which readers share): it stops when the {@link LogCleaner} says so, at the
 * end of a sleep ({@link #wake} cuts it short) or of the chunk being read.
 *
 * <p>Threading: the thread owns its {@link Cleaner}; {@link #wake} and {@link #awaitExit} are
 * called by the closing thread.
 */
final class CleanerThread {

    private static final Logger log = LoggerFactory.getLogger(CleanerThread.class);

    private final LogCleaner owner;
    private final Cleaner cleaner;
    private final long backoffMs;
    private final Thread thread;
    private final Object sleep = new Object();

    CleanerThread(LogCleaner owner, Cleaner cleaner, long backoffMs, String name) {
        this.owner = owner;
        this.cleaner = cleaner;
        this.backoffMs = backoffMs;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (!owner.stopping()) {
            CleanerStats stats;
            try {
                stats = owner.cleanDirtiest(cleaner);
            } catch (RuntimeException e) {
                log.error("Log cleaner thread {} hit an unexpected error; it goes on after {} ms", thread.getName(),
                        backoffMs, e);
                stats = null;
            }
            if (stats == null) {
                synchronized (sleep) {
                    if (!owner.stopping()) {
                        try {
                            sleep.wait(backoffMs);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }
        }
    }

    void wake() {
        synchronized (sleep) {
            sleep.notifyAll();
        }
    }

    void awaitExit() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
