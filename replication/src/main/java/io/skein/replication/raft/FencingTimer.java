package io.skein.replication.raft;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataImage;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller-side liveness timer: on the active controller, checks every twentieth of a session
 * timeout (at most 250 ms) which brokers' sessions expired ({@link BrokerSessions}) and submits a
 * {@link ControllerCommand.FenceBroker} for each, one at a time per broker.
 *
 * <p>Threading: owns one daemon thread ({@code skein-broker-fencing-<node>}) that runs every check
 * and logs outcomes; {@code inFlight} is concurrent because submissions complete on Ratis client
 * threads. {@link #start} and {@link #close} are called by the quorum's owner.
 */
final class FencingTimer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FencingTimer.class);

    private final int nodeId;
    private final BrokerSessions sessions;
    private final Supplier<MetadataImage> image;
    private final Function<ControllerCommand, CompletableFuture<ControllerResult>> submit;
    private final LongSupplier nanoTime;
    private final Set<Integer> inFlight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService thread;

    FencingTimer(int nodeId, BrokerSessions sessions, Supplier<MetadataImage> image,
                 Function<ControllerCommand, CompletableFuture<ControllerResult>> submit, LongSupplier nanoTime) {
        this.nodeId = nodeId;
        this.sessions = sessions;
        this.image = image;
        this.submit = submit;
        this.nanoTime = nanoTime;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "skein-broker-fencing-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        // often enough that a fence follows the expiry closely (Kafka fences at the expiry itself);
        // a check only walks the image's brokers
        long period = Math.max(50, Math.min(250, sessions.sessionTimeoutMs() / 20));
        thread.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            for (BrokerSessions.Expired e : sessions.expired(image.get(), nanoTime.getAsLong())) {
                int id = e.broker().id();
                if (!inFlight.add(id)) {
                    continue;
                }
                submit.apply(new ControllerCommand.FenceBroker(id, e.broker().incarnationId(), false))
                        .whenComplete((result, failure) -> {
                            inFlight.remove(id);
                            report(id, e.silentMs(), result, failure);
                        });
            }
        } catch (RuntimeException ex) {
            log.warn("Node {}: broker session check failed: {}", nodeId, ex.toString());
        }
    }

    private void report(int brokerId, long silentMs, ControllerResult result, Throwable failure) {
        if (failure != null) {
            log.warn("Node {} could not fence broker {} (no heartbeat for {} ms): {}", nodeId, brokerId, silentMs,
                    failure.getMessage());
            return;
        }
        ControllerResult.ItemResult item = result.items().isEmpty() ? null : result.items().get(0);
        if (item != null && item.error() == Errors.NONE && !"already fenced".equals(item.message())) {
            log.info("Broker {} fenced: no heartbeat for {} ms; {}", brokerId, silentMs, item.message());
        } else if (item != null && item.error() != Errors.NONE) {
            log.info("Broker {} not fenced: {}", brokerId, item.message());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
