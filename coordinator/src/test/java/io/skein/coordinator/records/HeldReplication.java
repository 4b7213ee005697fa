package io.skein.coordinator.records;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * A {@link ReplicationAwait} the test drives: every write waits until the test releases it with
 * the outcome the broker would give (NONE, REQUEST_TIMED_OUT, NOT_LEADER_OR_FOLLOWER, ...), and
 * {@link #refuseAppends} plays an ISR below {@code min.insync.replicas}.
 *
 * <p>Threading: thread-safe (synchronized); futures are completed on the releasing thread.
 */
public final class HeldReplication implements ReplicationAwait {

    /** One write waiting for the test. */
    public record Held(TopicPartition tp, int leaderEpoch, long requiredOffset, long timeoutMs,
                       CompletableFuture<Errors> outcome) {
    }

    private final List<Held> held = new ArrayList<>();
    private final List<TopicPartition> appended = new ArrayList<>();
    private Errors beforeAppend = Errors.NONE;

    public synchronized void refuseAppends(Errors error) {
        this.beforeAppend = error;
    }

    @Override
    public synchronized Errors beforeAppend(TopicPartition tp) {
        return beforeAppend;
    }

    @Override
    public synchronized void appended(TopicPartition tp) {
        appended.add(tp);
    }

    /** The partitions {@link #appended} was told about, in order, one entry per append. */
    public synchronized List<TopicPartition> appended() {
        return List.copyOf(appended);
    }

    @Override
    public synchronized CompletableFuture<Errors> awaitCommitted(TopicPartition tp, int leaderEpoch,
                                                                 long requiredOffset, long timeoutMs) {
        Held h = new Held(tp, leaderEpoch, requiredOffset, timeoutMs, new CompletableFuture<>());
        held.add(h);
        return h.outcome();
    }

    /** The writes waiting now, oldest first. */
    public synchronized List<Held> held() {
        return List.copyOf(held);
    }

    /** Completes every waiting write with {@code outcome}; returns how many there were. */
    public int release(Errors outcome) {
        List<Held> now;
        synchronized (this) {
            now = List.copyOf(held);
            held.clear();
        }
        now.forEach(h -> h.outcome().complete(outcome));
        return now.size();
    }
}
