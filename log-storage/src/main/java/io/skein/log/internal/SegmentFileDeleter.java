package io.skein.log.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes segment files already renamed to {@code *.deleted}, {@code file.delete.delay.ms} after
 * retention removed them from their log, so fetches still sending from them can finish (as
 * Kafka's {@code log.segment.delete.delay.ms}).
 *
 * <p>Threading: {@link #schedule} from any thread; deletions run on the one thread this object
 * owns. {@link #close} drops pending deletions: the renamed files stay and the loader removes
 * them on the next start.
 */
final class SegmentFileDeleter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SegmentFileDeleter.class);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "skein-segment-deleter");
        t.setDaemon(true);
        return t;
    });

    void schedule(List<Path> files, long delayMs) {
        try {
            thread.schedule(() -> delete(files), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Not deleting {} now: storage is closing; the next start removes it", files);
        }
    }

    private static void delete(List<Path> files) {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("Could not delete {}: {}", file, e.toString());
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
