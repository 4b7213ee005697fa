package io.skein.replication.raft;

import io.skein.replication.api.ControllerUnavailableException;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataListener;
import io.skein.replication.metadata.ImageState;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every new image to the listeners, one at a time and in order, on one thread of its own
 * (the quorum's "apply thread" of the {@link io.skein.replication.api.MetadataQuorum} contract),
 * then completes the {@code awaitApplied} futures the image satisfies. Images come from two Ratis
 * threads (log apply and leader changes), so a thread of our own is what keeps listener calls
 * serial and keeps a slow listener from stalling Raft.
 *
 * <p>Guarantee: when an {@code awaitApplied(offset)} future completes, every listener has been
 * called with an image at {@code offset} or later.
 *
 * <p>Threading: {@link #publish} may be called from any thread (callers serialise it to fix the
 * order). {@code delivered} is written only by the publisher thread and is volatile so
 * {@link #awaitApplied} can check it without the lock. The waiter queue is guarded by its own
 * monitor. Futures complete on the publisher thread: callers must not block in their callbacks.
 */
final class ImagePublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ImagePublisher.class);

    private record Waiter(long offset, CompletableFuture<MetadataImage> future) {
    }

    private final int nodeId;
    private final ExecutorService thread;
    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.offset(), b.offset()));
    private volatile ImageState delivered = ImageState.empty();
    private boolean closed;

    ImagePublisher(int nodeId) {
        this.nodeId = nodeId;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "skein-metadata-publisher-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    void addListener(MetadataListener listener) {
        listeners.add(listener);
    }

    /** Queues one image change for the listeners. Ignored after close. */
    void publish(ImageState previous, ImageState current) {
        try {
            thread.execute(() -> deliver(previous, current));
        } catch (RejectedExecutionException e) {
            log.debug("Node {} dropped metadata image at offset {}: publisher closed", nodeId, current.offset());
        }
    }

    private void deliver(ImageState previous, ImageState current) {
        for (MetadataListener listener : listeners) {
            try {
                listener.onImage(previous, current);
            } catch (RuntimeException e) {
                log.error("Node {}: metadata listener {} failed on the image at offset {}", nodeId, listener,
                        current.offset(), e);
            }
        }
        delivered = current;
        List<Waiter> ready = new ArrayList<>();
        synchronized (waiters) {
            while (!waiters.isEmpty() && waiters.peek().offset() <= current.offset()) {
                ready.add(waiters.poll());
            }
        }
        ready.forEach(w -> w.future().complete(current));
    }

    CompletableFuture<MetadataImage> awaitApplied(long offset) {
        ImageState now = delivered;
        if (now.offset() >= offset) {
            return CompletableFuture.completedFuture(now);
        }
        CompletableFuture<MetadataImage> future = new CompletableFuture<>();
        synchronized (waiters) {
            if (closed) {
                return CompletableFuture.failedFuture(closedException());
            }
            // Checked again under the lock: the publisher thread may have passed the offset since.
            now = delivered;
            if (now.offset() >= offset) {
                return CompletableFuture.completedFuture(now);
            }
            waiters.add(new Waiter(offset, future));
        }
        return future;
    }

    /** Delivers what is queued (bounded wait), then fails the remaining waiters. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Node {}: a metadata listener did not return within 5 s of close", nodeId);
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
        List<Waiter> left;
        synchronized (waiters) {
            closed = true;
            left = new ArrayList<>(waiters);
            waiters.clear();
        }
        left.forEach(w -> w.future().completeExceptionally(closedException()));
    }

    private static ControllerUnavailableException closedException() {
        return new ControllerUnavailableException("The metadata quorum was closed", null);
    }
}
