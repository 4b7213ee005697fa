package io.skein.broker.server;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.MetadataQuorum;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the active controller every {@code broker.heartbeat.interval.ms} that this broker is
 * alive, and acts on the answer: a fenced broker asks to be unfenced, a broker the controller does
 * not know (a new incarnation registered under its id, or registration lost) registers again.
 * Heartbeats themselves write nothing to the metadata log.
 *
 * <pre>
 *   ACTIVE <--heartbeat--> FENCED (asks to be unfenced) ; UNREACHABLE while no controller answers
 * </pre>
 *
 * <p>Threading: heartbeats are started on the given scheduler's thread and complete on Ratis
 * client threads; {@code inFlight} keeps one heartbeat outstanding at a time, {@code lastState}
 * is written only by whichever thread completes that single heartbeat (volatile for the next).
 */
final class BrokerHeartbeater implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BrokerHeartbeater.class);

    private enum Seen { ACTIVE, FENCED, UNKNOWN, UNREACHABLE }

    private final MetadataQuorum quorum;
    private final ControllerCommand.RegisterBroker registration;
    private final long intervalMs;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile Seen lastState = Seen.ACTIVE;
    private volatile boolean closed;
    private ScheduledFuture<?> task;

    BrokerHeartbeater(MetadataQuorum quorum, ControllerCommand.RegisterBroker registration, long intervalMs) {
        this.quorum = quorum;
        this.registration = registration;
        this.intervalMs = intervalMs;
    }

    void start(ScheduledExecutorService scheduler) {
        task = scheduler.scheduleWithFixedDelay(this::beat, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    Uuid incarnationId() {
        return registration.incarnationId();
    }

    private void beat() {
        if (closed || !inFlight.compareAndSet(false, true)) {
            return;
        }
        int id = registration.brokerId();
        quorum.heartbeat(id, registration.incarnationId()).whenComplete((state, failure) -> {
            try {
                if (closed) {
                    return;
                }
                if (failure != null) {
                    transition(Seen.UNREACHABLE, "no controller answered its heartbeat: " + failure.getMessage());
                    return;
                }
                switch (state) {
                    case ACTIVE -> transition(Seen.ACTIVE, "heartbeats are answered; it is active");
                    case FENCED -> {
                        transition(Seen.FENCED, "it is fenced; asking the controller to unfence it");
                        quorum.submit(new ControllerCommand.UnfenceBroker(id, registration.incarnationId()));
                    }
                    case UNKNOWN -> {
                        transition(Seen.UNKNOWN, "the controller does not know incarnation "
                                + registration.incarnationId() + "; registering again");
                        quorum.submit(registration);
                    }
                    default -> throw new IllegalStateException(String.valueOf(state));
                }
            } finally {
                inFlight.set(false);
            }
        });
    }

    private void transition(Seen next, String why) {
        Seen previous = lastState;
        lastState = next;
        if (previous != next) {
            log.info("Broker {}: {} (was {})", registration.brokerId(), why, previous);
        }
    }

    /** Stops heartbeating (before a controlled shutdown, so nothing unfences the broker again). */
    @Override
    public void close() {
        closed = true;
        if (task != null) {
            task.cancel(false);
        }
    }
}
