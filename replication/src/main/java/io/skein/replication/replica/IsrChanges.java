package io.skein.replication.replica;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.HostedReplica;
import io.skein.replication.api.MetadataQuorum;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a leader's ISR changes to the controller (AlterPartition), at most one in flight per
 * partition: a change is proposed against the partition epoch the leader sees, and no other is
 * proposed for that partition until the answer came back (refused) or the image moved past that
 * partition epoch (accepted and applied).
 *
 * <p>Threading: thread-safe; proposals come from fetch handler threads (expand) and the ISR
 * checker (shrink), answers complete on the quorum client's threads.
 */
final class IsrChanges {

    private static final Logger log = LoggerFactory.getLogger(IsrChanges.class);

    private final int localNodeId;
    private final Function<ControllerCommand, CompletableFuture<ControllerResult>> controller;
    /** Partition → the partition epoch its in-flight or accepted change was proposed against. */
    private final ConcurrentHashMap<TopicPartition, Integer> pending = new ConcurrentHashMap<>();

    /**
     * @param controller sends a command to the active controller ({@link MetadataQuorum#submit})
     */
    IsrChanges(int localNodeId, Function<ControllerCommand, CompletableFuture<ControllerResult>> controller) {
        this.localNodeId = localNodeId;
        this.controller = controller;
    }

    /**
     * Proposes {@code newIsr} for the partition unless a change of it is still pending.
     *
     * @param reason why, for the log line (e.g. "follower 2 caught up")
     */
    void propose(HostedReplica p, List<Integer> newIsr, String reason) {
        TopicPartition tp = p.topicPartition();
        int partitionEpoch = p.state().partitionEpoch();
        Integer previous = pending.putIfAbsent(tp, partitionEpoch);
        if (previous != null) {
            if (previous >= partitionEpoch || !pending.replace(tp, previous, partitionEpoch)) {
                return; // a change against this partition epoch is on its way
            }
        }
        log.info("Proposing ISR {} -> {} for {} (leader epoch {}, partition epoch {}): {}", p.state().isr(), newIsr,
                tp, p.leaderEpoch(), partitionEpoch, reason);
        controller.apply(new ControllerCommand.AlterPartition(localNodeId, p.topicId(), tp.partition(), p.leaderEpoch(),
                partitionEpoch, List.copyOf(newIsr))).whenComplete((result, failure) -> {
                    Errors error = failure != null ? Errors.REQUEST_TIMED_OUT : firstError(result);
                    if (error != Errors.NONE) {
                        pending.remove(tp, partitionEpoch);
                        log.warn("The controller did not change the ISR of {} to {}: {} {}", tp, newIsr, error,
                                failure != null ? failure.getMessage() : message(result));
                    }
                });
    }

    /** Forgets partitions this node no longer leads. */
    void retainOnly(java.util.Set<TopicPartition> led) {
        pending.keySet().retainAll(led);
    }

    private static Errors firstError(ControllerResult result) {
        return result.items().isEmpty() ? Errors.NONE : result.items().get(0).error();
    }

    private static String message(ControllerResult result) {
        return result.items().isEmpty() ? "" : result.items().get(0).message();
    }
}
