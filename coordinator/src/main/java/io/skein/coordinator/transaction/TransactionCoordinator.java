package io.skein.coordinator.transaction;

import io.skein.coordinator.api.ShardedCoordinator;
import io.skein.coordinator.records.ShardStatus;
import io.skein.coordinator.records.CoordinatorLog;
import io.skein.coordinator.records.CoordinatorReplication;
import io.skein.log.api.PartitionLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator of this node, for both transaction protocols at once (decisions in
 * {@link TransactionOperations} and, for EndTxn v5, {@link TransactionV2Operations}): routes each
 * transactional id to the shard of its {@code __transaction_state} partition, loads a shard when this node becomes that partition's leader (and finishes the
 * transactions it finds half-completed), writes every change to the log and answers once it is
 * committed (below the high watermark of its partition), has the markers written once a commit or
 * abort decision is committed ({@link TransactionCompletion}), aborts transactions that outlive their
 * timeout and removes transactional ids idle past {@code transactional.id.expiration.ms}.
 *
 * <p>Threading: request methods run on request-handler threads and hold the shard's lock for the
 * decision and its log append, never while waiting for replication (their futures complete on the
 * replication notifier's thread, see {@link io.skein.coordinator.records.ReplicationAwait});
 * markers complete on whatever thread the {@link TransactionMarkers} completes on, then take the
 * lock again (the broker's local markers complete at once, on the caller's thread, with the lock
 * still held); loading, timers, marker retries and the implicit adds that waited for a previous
 * transaction's completion run on the {@code skein-txn-coordinator} thread. A loading shard
 * answers COORDINATOR_LOAD_IN_PROGRESS without waiting for its lock.
 */
public final class TransactionCoordinator implements ShardedCoordinator, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinator.class);

    /** The answer to InitProducerId. */
    public record InitResult(Errors error, long producerId, short producerEpoch) {
        static InitResult failed(Errors error) {
            return new InitResult(error, -1L, (short) -1);
        }
    }

    private final TransactionConfig config;
    private final Clock clock;
    private final TransactionOperations ops;
    private final TransactionV2Operations opsV2;
    private final CoordinatorReplication replication;
    private final TransactionCompletion completion;
    private final Map<Integer, TransactionShard> shards = new ConcurrentHashMap<>();
    private final ScheduledExecutorService background;
    private volatile int partitionCount = -1;

    /**
     * @param replication when a write to {@code __transaction_state} is committed: clients are
     *     answered, and markers written, only then
     */
    public TransactionCoordinator(TransactionConfig config, Clock clock, LongSupplier producerIds,
                                  TransactionMarkers markers, CoordinatorReplication replication) {
        this.config = config;
        this.clock = clock;
        this.ops = new TransactionOperations(producerIds, config.maxTimeoutMs());
        this.opsV2 = new TransactionV2Operations(producerIds);
        this.replication = replication;
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "skein-txn-coordinator");
            t.setDaemon(true);
            return t;
        });
        this.completion = new TransactionCompletion(config, clock, ops, markers, background,
                replication.requestTimeoutMs());
        background.scheduleWithFixedDelay(this::abortTimedOut, config.abortTimedOutIntervalMs(),
                config.abortTimedOutIntervalMs(), TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(this::expireIdle, config.removeExpiredIntervalMs(),
                config.removeExpiredIntervalMs(), TimeUnit.MILLISECONDS);
    }

    /** The number of partitions of {@code __transaction_state}, once the topic exists. */
    @Override
    public void partitionCount(int count) {
        partitionCount = count;
    }

    /** The partition holding {@code transactionalId}, as Kafka computes it. */
    public static int partitionFor(String transactionalId, int partitionCount) {
        return Utils.abs(transactionalId.hashCode()) % partitionCount;
    }

    /** This node now leads {@code partition} at {@code leaderEpoch}: load its transactional ids. */
    @Override
    public void onElected(int partition, PartitionLog partitionLog, int leaderEpoch) {
        TransactionShard shard = new TransactionShard(partition,
                new CoordinatorLog(partitionLog, leaderEpoch, "transaction coordinator", replication.await()));
        TransactionShard previous = shards.put(partition, shard);
        if (previous != null) {
            previous.close();
        }
        background.execute(() -> load(shard));
    }

    private void load(TransactionShard shard) {
        long started = System.nanoTime();
        long records;
        try {
            records = shard.load(config.loadBufferBytes());
        } catch (RuntimeException e) {
            log.error("Could not load the transactional ids of {}; they are unavailable", shard.log().name(), e);
            return;
        }
        List<TransactionMetadata> unfinished = new ArrayList<>();
        synchronized (shard) {
            for (TransactionMetadata txn : shard.all()) {
                if (txn.state().isPreparing()) {
                    unfinished.add(txn);
                }
            }
        }
        log.info("Loaded {} records of {} in {} ms; {} transaction(s) to complete", records, shard.log().name(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), unfinished.size());
        for (TransactionMetadata txn : unfinished) {
            completion.writeMarkers(shard, txn, txn.current());
        }
    }

    /** This node no longer leads {@code partition}: its transactional ids are dropped. */
    @Override
    public void onResigned(int partition) {
        TransactionShard shard = shards.remove(partition);
        if (shard != null) {
            shard.close();
            log.info("Stopped coordinating the transactions of {}", shard.log().name());
        }
    }

    private <T> T onShard(String transactionalId, Function<TransactionShard, T> operation,
                          Function<Errors, T> unavailable) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return unavailable.apply(Errors.INVALID_REQUEST);
        }
        int count = partitionCount;
        if (count <= 0) {
            return unavailable.apply(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        TransactionShard shard = shards.get(partitionFor(transactionalId, count));
        if (shard == null) {
            return unavailable.apply(Errors.NOT_COORDINATOR);
        }
        if (shard.availability() != Errors.NONE) {
            return unavailable.apply(shard.availability()); // loading: answer at once, do not wait for its lock
        }
        synchronized (shard) {
            Errors availability = shard.availability();
            return availability == Errors.NONE ? operation.apply(shard) : unavailable.apply(availability);
        }
    }

    /**
     * InitProducerId with a transactional id; {@code expectedProducerId} is -1 unless re-initialising.
     * Answered once the new epoch is committed.
     */
    public CompletableFuture<InitResult> initProducerId(String transactionalId, int timeoutMs, long expectedProducerId,
                                                        short expectedEpoch) {
        if (transactionalId != null && !transactionalId.isEmpty() && !ops.validTimeout(timeoutMs)) {
            return failed(Errors.INVALID_TRANSACTION_TIMEOUT);
        }
        return onShard(transactionalId, shard -> {
            long now = clock.millis();
            TransactionMetadata txn = shard.get(transactionalId);
            if (txn == null) {
                try {
                    txn = ops.create(transactionalId, timeoutMs, now);
                } catch (RuntimeException e) {
                    log.warn("Transactional id {}: no producer id could be allocated ({}); the client will retry",
                            transactionalId, e.getMessage());
                    return failed(Errors.COORDINATOR_NOT_AVAILABLE);
                }
                shard.put(txn);
            }
            TransactionOperations.Decision decision = ops.initProducerId(txn, timeoutMs, expectedProducerId,
                    expectedEpoch, now);
            if (decision instanceof TransactionOperations.Answer answer) {
                return failed(answer.error());
            }
            TransactionOperations.Write write = (TransactionOperations.Write) decision;
            CoordinatorLog.Written written = persist(shard, txn, write.entry(), now);
            if (!written.appended()) {
                return failed(TransactionShard.asClientError(written.appendError()));
            }
            if (write.fencedOpenTransaction()) {
                log.info("Transactional id {}: a new producer instance fenced epoch {}; aborting its open transaction",
                        transactionalId, write.entry().producerEpoch() - 1);
                completion.afterPrepare(shard, txn, write.entry(), written);
                return TransactionShard.answer(written).thenApply(error -> InitResult.failed(
                        error == Errors.NONE ? Errors.CONCURRENT_TRANSACTIONS : error));
            }
            return TransactionShard.answer(written).thenApply(error -> error != Errors.NONE ? InitResult.failed(error)
                    : new InitResult(Errors.NONE, write.entry().producerId(), write.entry().producerEpoch()));
        }, TransactionCoordinator::failed);
    }

    private static CompletableFuture<InitResult> failed(Errors error) {
        return CompletableFuture.completedFuture(InitResult.failed(error));
    }

    private CoordinatorLog.Written persist(TransactionShard shard, TransactionMetadata txn,
                                               TransactionLogEntry entry, long now) {
        return shard.persist(txn, entry, now, replication.requestTimeoutMs());
    }

    /**
     * AddPartitionsToTxn, AddOffsetsToTxn (with the group's offsets partition) and the implicit add
     * of the produce path and TxnOffsetCommit (transactions version 2), recording
     * {@code clientTransactionVersion} in a transaction this starts; answered once the
     * transaction's new partitions are committed in {@code __transaction_state}.
     */
    public CompletableFuture<Errors> addPartitionsCommitted(String transactionalId, long producerId, short epoch,
                                                            Collection<TopicPartition> partitions,
                                                            short clientTransactionVersion) {
        return addPartitions(transactionalId, producerId, epoch, partitions, clientTransactionVersion, true);
    }

    /**
     * An implicit add (transactions version 2) that finds the producer's previous transaction still
     * completing (PrepareCommit/PrepareAbort at the producer's current epoch: EndTxn was answered,
     * the markers are being written) waits for that completion, up to {@code addWaitMaxMs}, then is
     * decided again, once. The client's next transaction routinely starts at that moment when the
     * markers go to other brokers; answering CONCURRENT_TRANSACTIONS would send the producer into
     * its retry backoff ({@code retry.backoff.ms}, 100 ms) for every transaction. Kafka's produce
     * path retries on the broker for the same reason (KAFKA-18654). Clients of version 1 add
     * partitions themselves and retry CONCURRENT_TRANSACTIONS quickly: they are answered at once.
     */
    private CompletableFuture<Errors> addPartitions(String transactionalId, long producerId, short epoch,
                                                    Collection<TopicPartition> partitions,
                                                    short clientTransactionVersion, boolean mayWait) {
        return onShard(transactionalId, shard -> {
            long now = clock.millis();
            TransactionMetadata txn = shard.get(transactionalId);
            TransactionOperations.Decision decision = ops.addPartitions(txn, producerId, epoch, partitions,
                    clientTransactionVersion, now);
            if (decision instanceof TransactionOperations.Write write) {
                return TransactionShard.answer(persist(shard, txn, write.entry(), now));
            }
            Errors error = ((TransactionOperations.Answer) decision).error();
            if (mayWait && error == Errors.CONCURRENT_TRANSACTIONS
                    && clientTransactionVersion == TransactionV2Operations.VERSION && txn.state().isPreparing()) {
                return settledWithin(txn, config.addWaitMaxMs()).thenCompose(settled -> settled
                        ? addPartitions(transactionalId, producerId, epoch, partitions, clientTransactionVersion, false)
                        : CompletableFuture.completedFuture(Errors.CONCURRENT_TRANSACTIONS));
            }
            return CompletableFuture.completedFuture(error);
        }, CompletableFuture::completedFuture);
    }

    /**
     * True once {@code txn} leaves PrepareCommit/PrepareAbort, false when {@code maxMs} pass first
     * (or the coordinator is closing); completes on the {@code background} thread, never under the
     * shard's lock. Lock held.
     */
    private CompletableFuture<Boolean> settledWithin(TransactionMetadata txn, long maxMs) {
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        try {
            ScheduledFuture<?> timeout = background.schedule(() -> outcome.complete(false), maxMs,
                    TimeUnit.MILLISECONDS);
            txn.whenSettled().thenRunAsync(() -> {
                timeout.cancel(false);
                outcome.complete(true);
            }, background);
        } catch (RejectedExecutionException closing) {
            outcome.complete(false);
        }
        return outcome;
    }

    /** The answer to EndTxn v5: the error, and the producer id and epoch the client continues with. */
    public record EndResult(Errors error, long producerId, short producerEpoch) {
    }

    /**
     * EndTxn v5 (transactions version 2): as {@link #endTransaction}, with the epoch bumped by the
     * decision; the answer carries the producer id and epoch for the next transaction.
     */
    public CompletableFuture<EndResult> endTransactionV2(String transactionalId, long producerId, short epoch,
                                                         boolean commit) {
        return onShard(transactionalId, shard -> {
            long now = clock.millis();
            TransactionMetadata txn = shard.get(transactionalId);
            TransactionV2Operations.EndDecision decision = opsV2.endTransaction(txn, producerId, epoch, commit, now);
            return endDecided(shard, txn, decision.decision(), now).thenApply(result -> result == Errors.NONE
                    ? new EndResult(result, decision.producerId(), decision.producerEpoch())
                    : new EndResult(result, -1L, (short) -1));
        }, error -> CompletableFuture.completedFuture(new EndResult(error, -1L, (short) -1)));
    }

    /**
     * An EndTxn answer at once, or the decision persisted: the markers follow once it is committed,
     * and so does the answer. Lock held.
     */
    private CompletableFuture<Errors> endDecided(TransactionShard shard, TransactionMetadata txn,
                                                 TransactionOperations.Decision decision, long now) {
        if (decision instanceof TransactionOperations.Answer answer) {
            return CompletableFuture.completedFuture(answer.error());
        }
        TransactionLogEntry prepared = ((TransactionOperations.Write) decision).entry();
        CoordinatorLog.Written written = persist(shard, txn, prepared, now);
        if (written.appended()) {
            completion.afterPrepare(shard, txn, prepared, written);
        }
        return TransactionShard.answer(written);
    }

    /**
     * Whether each partition is in the producer's ongoing transaction (KIP-890 part 1); every
     * partition gets the coordinator's error (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS...)
     * when this node does not serve the id.
     */
    public Map<TopicPartition, Errors> verifyPartitions(String transactionalId, long producerId, short epoch,
                                                        Collection<TopicPartition> partitions) {
        return onShard(transactionalId, shard -> ops.verify(shard.get(transactionalId), producerId, epoch, partitions),
                error -> {
                    Map<TopicPartition, Errors> failed = new java.util.LinkedHashMap<>();
                    partitions.forEach(tp -> failed.put(tp, error));
                    return failed;
                });
    }

    /** EndTxn: the decision is written; once it is committed the client is answered and the markers written. */
    public CompletableFuture<Errors> endTransaction(String transactionalId, long producerId, short epoch,
                                                    boolean commit) {
        return onShard(transactionalId, shard -> {
            long now = clock.millis();
            TransactionMetadata txn = shard.get(transactionalId);
            return endDecided(shard, txn, ops.endTransaction(txn, producerId, epoch, commit, now), now);
        }, CompletableFuture::completedFuture);
    }

    /**
     * ListTransactions over every shard this node serves; see {@link TransactionListing#list}.
     */
    public TransactionListing.Result list(Set<TransactionState> states, Set<Long> producerIds, long minDurationMs) {
        return TransactionListing.list(shards.values(), states, producerIds, minDurationMs, clock.millis());
    }

    /** What DescribeTransactions found for one id: an error, or its current entry. */
    public record Described(Errors error, TransactionLogEntry entry) {
    }

    /** DescribeTransactions: TRANSACTIONAL_ID_NOT_FOUND for an id this coordinator does not know. */
    public Described describeTransaction(String transactionalId) {
        return onShard(transactionalId, shard -> {
            TransactionMetadata txn = shard.get(transactionalId);
            return txn == null ? new Described(Errors.TRANSACTIONAL_ID_NOT_FOUND, null)
                    : new Described(Errors.NONE, txn.current());
        }, error -> new Described(error, null));
    }

    private void abortTimedOut() {
        forEachTransaction((shard, txn, now) -> {
            TransactionLogEntry abort = ops.abortIfTimedOut(txn, now);
            CoordinatorLog.Written written = abort == null ? null : persist(shard, txn, abort, now);
            if (written != null && written.appended()) {
                log.info("Transactional id {}: aborting its transaction, open longer than its timeout of {} ms",
                        txn.transactionalId(), abort.timeoutMs());
                completion.afterPrepare(shard, txn, abort, written);
            }
        });
    }

    private void expireIdle() {
        forEachTransaction((shard, txn, now) -> {
            TransactionLogEntry dead = ops.expireIfIdle(txn, config.idExpirationMs(), now);
            if (dead != null && persist(shard, txn, dead, now).appended()) {
                log.info("Transactional id {} expired after {} ms without a transaction", txn.transactionalId(),
                        config.idExpirationMs());
            }
        });
    }

    private interface ShardTask {
        void run(TransactionShard shard, TransactionMetadata txn, long nowMs);
    }

    /** Runs {@code task} on every transactional id of every active shard, with that shard's lock held. */
    private void forEachTransaction(ShardTask task) {
        for (TransactionShard shard : shards.values()) {
            synchronized (shard) {
                if (shard.status() != ShardStatus.ACTIVE) {
                    continue;
                }
                long now = clock.millis();
                for (TransactionMetadata txn : shard.all()) {
                    task.run(shard, txn, now);
                }
            }
        }
    }

    @Override
    public void close() {
        background.shutdownNow();
        shards.values().forEach(TransactionShard::close);
        shards.clear();
    }
}
