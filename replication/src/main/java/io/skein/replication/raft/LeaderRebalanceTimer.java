package io.skein.replication.raft;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.controller.LeaderImbalance;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code auto.leader.rebalance.enable}: on the active controller, every
 * {@code leader.imbalance.check.interval.seconds} checks each broker's leader imbalance
 * ({@link LeaderImbalance}) and submits one preferred {@link ControllerCommand.ElectLeaders} for the
 * partitions of the brokers above {@code leader.imbalance.per.broker.percentage}, logging one line
 * per rebalance. At most one election is in flight.
 *
 * <p>Threading: owns one daemon thread ({@code skein-leader-rebalance-<node>}) that runs every
 * check; {@code inFlight} is atomic because submissions complete on Ratis client threads.
 * {@link #start} and {@link #close} are called by the quorum's owner.
 */
final class LeaderRebalanceTimer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaderRebalanceTimer.class);

    private final int nodeId;
    private final LeaderRebalanceSettings settings;
    private final Supplier<MetadataImage> image;
    private final Function<ControllerCommand, CompletableFuture<ControllerResult>> submit;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final ScheduledExecutorService thread;

    LeaderRebalanceTimer(int nodeId, LeaderRebalanceSettings settings, Supplier<MetadataImage> image,
                         Function<ControllerCommand, CompletableFuture<ControllerResult>> submit) {
        this.nodeId = nodeId;
        this.settings = settings;
        this.image = image;
        this.submit = submit;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "skein-leader-rebalance-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        if (settings.enabled()) {
            thread.scheduleWithFixedDelay(this::check, settings.intervalMs(), settings.intervalMs(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** One check; does nothing unless this node is the active controller. */
    void check() {
        try {
            MetadataImage current = image.get();
            if (current.controllerId() != nodeId || inFlight.get()) {
                return;
            }
            LeaderImbalance.Plan plan = LeaderImbalance.check(current, settings.percentage());
            if (plan.partitions().isEmpty() || !inFlight.compareAndSet(false, true)) {
                return;
            }
            submit.apply(new ControllerCommand.ElectLeaders(ElectionType.PREFERRED, plan.partitions()))
                    .whenComplete((result, failure) -> {
                        inFlight.set(false);
                        report(plan, result, failure);
                    });
        } catch (RuntimeException ex) {
            log.warn("Node {}: leader imbalance check failed: {}", nodeId, ex.toString());
        }
    }

    private void report(LeaderImbalance.Plan plan, ControllerResult result, Throwable failure) {
        String ratios = plan.ratios().entrySet().stream()
                .map(e -> "broker " + e.getKey() + " " + Math.round(e.getValue() * 100) + "%")
                .collect(Collectors.joining(", "));
        if (failure != null) {
            log.warn("Leader rebalance (imbalance {} above {}%) failed: {}", ratios, settings.percentage(),
                    failure.getMessage());
            return;
        }
        Map<Boolean, Long> outcome = result.items().stream()
                .collect(Collectors.partitioningBy(i -> i.error() == Errors.NONE, Collectors.counting()));
        log.info("Leader rebalance: imbalance {} above leader.imbalance.per.broker.percentage={}; preferred leaders "
                        + "elected for {} of {} partitions", ratios, settings.percentage(), outcome.get(true),
                plan.partitions().size());
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
