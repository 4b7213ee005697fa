package io.skein.log.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes partition directories already renamed to {@code *-delete}, on one background thread so
 * callers (deleting a topic, loading log dirs) never wait for file deletion.
 *
 * <p>Threading: {@link #submit} from any thread; the work runs on the single thread this object
 * owns, which {@link #close} stops after finishing the queued deletions (bounded wait). A
 * directory left behind by a stop is deleted on the next open.
 */
final class DirectoryDeleter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DirectoryDeleter.class);

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "skein-log-deleter");
        t.setDaemon(true);
        return t;
    });

    void submit(Path dir) {
        try {
            thread.execute(() -> deleteTree(dir));
        } catch (RejectedExecutionException e) {
            log.info("Not deleting {} now: the registry is closing; it will be deleted on the next start", dir);
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
            log.debug("Deleted {}", root);
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", root, e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("Directory deletions still running after 30 s; they resume on the next start");
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
