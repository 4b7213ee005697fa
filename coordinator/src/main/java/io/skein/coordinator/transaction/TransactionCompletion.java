package io.skein.coordinator.transaction;

import io.skein.coordinator.records.CoordinatorLog;
import io.skein.coordinator.records.ShardStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes a decided transaction: once its PrepareCommit/PrepareAbort is committed in
 * {@code __transaction_state} (below the high watermark, so a new coordinator would find it), the
 * markers are written to the transaction's partitions, then CompleteCommit/CompleteAbort. Failed
 * marker writes are retried; a shard that closed meanwhile leaves the work to the next leader,
 * which finds the prepared transaction when it loads.
 *
 * <p>Threading: {@link #afterPrepare} and {@link #writeMarkers} may be called with the shard's lock
 * held and never wait; continuations that arrive later run on the coordinator's
 * {@code background} thread, and take the shard's lock only to write the completion.
 */
final class TransactionCompletion {

    private static final Logger log = LoggerFactory.getLogger(TransactionCompletion.class);
    private static final int FAILURES_PER_WARNING = 60;

    private final TransactionConfig config;
    private final Clock clock;
    private final TransactionOperations ops;
    private final TransactionMarkers markers;
    private final ScheduledExecutorService background;
    private final long requestTimeoutMs;

    TransactionCompletion(TransactionConfig config, Clock clock, TransactionOperations ops, TransactionMarkers markers,
                          ScheduledExecutorService background, long requestTimeoutMs) {
        this.config = config;
        this.clock = clock;
        this.ops = ops;
        this.markers = markers;
        this.background = background;
        this.requestTimeoutMs = requestTimeoutMs;
    }

    /**
     * {@code prepared} was just appended ({@code written}): its markers are written once it is
     * committed (waiting again, with a warning, each time {@code request.timeout.ms} passes first).
     */
    void afterPrepare(TransactionShard shard, TransactionMetadata txn, TransactionLogEntry prepared,
                      CoordinatorLog.Written written) {
        whenCommitted(shard, txn, written.committed(), written.requiredOffset(), 1,
                () -> writeMarkers(shard, txn, prepared, 1));
    }

    /** Runs {@code then} once {@code committed}, or a renewed wait for {@code requiredOffset}, says it is committed. */
    private void whenCommitted(TransactionShard shard, TransactionMetadata txn, CompletableFuture<Errors> committed,
                               long requiredOffset, int attempt, Runnable then) {
        BiConsumer<Errors, Throwable> next = (error, failure) -> {
            if (shard.status() != ShardStatus.ACTIVE) {
                return; // the next leader loads the prepared transaction and finishes it
            }
            // past the high watermark also when the ISR shrank afterwards
            if (error == Errors.NONE || error == Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND) {
                then.run();
            } else if (error == Errors.REQUEST_TIMED_OUT) {
                if (attempt == 1 || attempt % FAILURES_PER_WARNING == 0) {
                    log.warn("Transactional id {}: its decision in {} is not replicated after {} ms (attempt {});"
                            + " the markers wait for the in-sync replicas", txn.transactionalId(), shard.log().name(),
                            requestTimeoutMs, attempt);
                }
                whenCommitted(shard, txn, shard.log().awaitCommitted(requiredOffset, requestTimeoutMs), requiredOffset,
                        attempt + 1, then);
            }
            // NOT_LEADER_OR_FOLLOWER: the shard closes; the next leader finishes it
        };
        if (committed.isDone()) {
            committed.whenComplete(next);
        } else {
            committed.whenCompleteAsync(next, background);
        }
    }

    /** Has the markers of a committed PrepareCommit/PrepareAbort written, then completes the transaction. */
    void writeMarkers(TransactionShard shard, TransactionMetadata txn, TransactionLogEntry prepared) {
        writeMarkers(shard, txn, prepared, 1);
    }

    /** Failed attempts are logged at WARN the first time and then once a minute or so, not at every retry. */
    private void writeMarkers(TransactionShard shard, TransactionMetadata txn, TransactionLogEntry prepared,
                              int attempt) {
        List<TopicPartition> partitions = new ArrayList<>();
        prepared.partitions().forEach((topic, ids) -> ids.forEach(p -> partitions.add(new TopicPartition(topic, p))));
        boolean commit = prepared.state() == TransactionState.PREPARE_COMMIT;
        CompletableFuture<Errors> written = markers.write(prepared.producerId(), prepared.producerEpoch(), commit,
                shard.log().leaderEpoch(), partitions);
        BiConsumer<Errors, Throwable> then = (error, failure) -> {
            Errors result = failure != null ? Errors.UNKNOWN_SERVER_ERROR : error;
            if (result == Errors.NONE) {
                completeAfterMarkers(shard, txn, prepared);
            } else if (shard.status() != ShardStatus.CLOSED) {
                if (attempt == 1 || attempt % FAILURES_PER_WARNING == 0) {
                    log.warn("Transactional id {}: writing {} markers to {} partition(s) failed ({}, attempt {});"
                            + " retrying every {} ms", txn.transactionalId(), commit ? "COMMIT" : "ABORT",
                            partitions.size(), result, attempt, config.markerRetryBackoffMs());
                }
                background.schedule(() -> writeMarkers(shard, txn, prepared, attempt + 1),
                        config.markerRetryBackoffMs(), TimeUnit.MILLISECONDS);
            }
        };
        if (written.isDone()) {
            written.whenComplete(then); // written at once (this node's replicas only): complete on this thread
        } else {
            // completed by whichever thread moves a high watermark: continue on ours, holding none of its locks
            written.whenCompleteAsync(then, background);
        }
    }

    private void completeAfterMarkers(TransactionShard shard, TransactionMetadata txn, TransactionLogEntry prepared) {
        synchronized (shard) {
            if (shard.status() != ShardStatus.ACTIVE || !txn.current().equals(prepared)
                    || txn.hasPendingTransition()) {
                return; // the shard moved or the transaction changed meanwhile: nothing of ours to complete
            }
            long now = clock.millis();
            // nobody waits for the completion; a new leader that lost it finishes the prepared transaction again
            Errors written = shard.persist(txn, ops.complete(txn, now), now, requestTimeoutMs).appendError();
            if (written != Errors.NONE) {
                log.warn("Transactional id {}: could not write its completion ({}); retrying", txn.transactionalId(),
                        written);
                background.schedule(() -> completeAfterMarkers(shard, txn, prepared), config.markerRetryBackoffMs(),
                        TimeUnit.MILLISECONDS);
            }
        }
    }
}
