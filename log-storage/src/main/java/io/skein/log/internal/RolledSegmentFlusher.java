package io.skein.log.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forces rolled segments to disk off the append path (as Kafka's asynchronous flush of a rolled
 * segment), so a roll never makes the partition's next append wait for an fsync of a whole
 * segment. One thread, tasks in roll order: when a task finishes, every segment rolled before it
 * is on disk too, which is what lets the log's recovery point move to the rolled segment's end.
 *
 * <p>Threading: {@link #submit} from any writer; {@link #close} lets queued flushes finish and
 * never interrupts one (an interrupt would close the segment's shared FileChannel).
 */
final class RolledSegmentFlusher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RolledSegmentFlusher.class);

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "skein-segment-flusher");
        t.setDaemon(true);
        return t;
    });

    /** Runs the flush on the flusher's thread, or here when it is closing (the caller's log is closing too). */
    void submit(Runnable flush) {
        try {
            thread.execute(flush);
        } catch (RejectedExecutionException e) {
            flush.run();
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(60, TimeUnit.SECONDS)) {
                log.warn("Rolled segments still flushing after 60 s; the next start recovers them if needed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
