package io.skein.broker.handler;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Keeps a transactional producer's appends to a partition in the order its produce requests
 * arrived while a transaction check defers some of them. The first batch of a transaction on a
 * partition waits for its coordinator (on another broker, or replicating the partition's addition),
 * while the producer's next batch to the same partition, already in the transaction, would pass at
 * once: appended first, it would leave the earlier one out of sequence. So an append is queued
 * behind the producer's pending one on that partition, whatever its own check answered.
 *
 * <p>Threading: {@link #isPending} and {@link #enqueue} are called by produce handler calls, which
 * the dispatcher runs one at a time per connection (a producer sends to a leader over one
 * connection); queued appends run on the threads that complete the checks and remove themselves
 * when done.
 */
final class PendingAppends {

    private record Key(TopicPartition tp, long producerId) {
    }

    private final Map<Key, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    /** Whether an append of this producer to {@code tp} is still waiting for its check. */
    boolean isPending(TopicPartition tp, long producerId) {
        return tails.containsKey(new Key(tp, producerId));
    }

    /**
     * Runs {@code append} with the check's answer once {@code verified} has completed and the
     * producer's earlier pending append to {@code tp}, if any, has run (failed or not).
     *
     * @return completes when {@code append} has run
     */
    CompletableFuture<Void> enqueue(TopicPartition tp, long producerId, CompletableFuture<Errors> verified,
                                    Consumer<Errors> append) {
        Key key = new Key(tp, producerId);
        CompletableFuture<Void> tail = tails.get(key);
        CompletableFuture<Errors> ready = tail == null ? verified
                : tail.handle((done, failure) -> null).thenCompose(previous -> verified);
        CompletableFuture<Void> appended = ready.thenAccept(append);
        tails.put(key, appended);
        appended.whenComplete((done, failure) -> tails.remove(key, appended));
        return appended;
    }
}
