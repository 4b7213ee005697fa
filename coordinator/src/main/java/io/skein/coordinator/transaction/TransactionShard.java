package io.skein.coordinator.transaction;

import io.skein.coordinator.records.ShardStatus;
import io.skein.coordinator.records.CoordinatorLog;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.Errors;

/**
 * The transactional ids of one {@code __transaction_state} partition this node leads: their
 * metadata, rebuilt from the partition's log when the node is elected, and the log their changes
 * are written to.
 *
 * <p>A change is applied to memory when its record is appended and answered when the record is
 * committed ({@link #answer}); if it never commits, this node stops leading the
 * partition and the shard is closed, so memory never outlives a write the log lost.
 *
 * <p>Threading: everything but {@link #status} is guarded by the shard's own monitor; the
 * replay of {@link #load} runs on the loading thread into a map of its own. {@code status} is
 * volatile so a request can tell a loading shard without waiting for its lock.
 */
final class TransactionShard {

    private final int partition;
    private final CoordinatorLog log;
    private final Map<String, TransactionMetadata> transactions = new HashMap<>();
    private volatile ShardStatus status = ShardStatus.LOADING;

    TransactionShard(int partition, CoordinatorLog log) {
        this.partition = partition;
        this.log = log;
    }

    int partition() {
        return partition;
    }

    CoordinatorLog log() {
        return log;
    }

    ShardStatus status() {
        return status;
    }

    /** NONE when the shard serves requests, otherwise the error a client should retry on. */
    Errors availability() {
        return status.availability();
    }

    /**
     * Replays the partition without holding the shard's lock (requests meanwhile see LOADING and
     * answer COORDINATOR_LOAD_IN_PROGRESS at once), then installs the result and serves requests.
     */
    long load(int bufferBytes) {
        Map<String, TransactionLogEntry> replayed = new HashMap<>();
        long records = log.replay(bufferBytes, (batch, key, value) -> {
            String id = TransactionRecords.readKey(key);
            if (value == null) {
                replayed.remove(id);
            } else {
                replayed.put(id, TransactionRecords.readValue(value));
            }
        });
        synchronized (this) {
            replayed.forEach((id, entry) -> {
                if (entry.state() != TransactionState.DEAD) {
                    transactions.put(id, new TransactionMetadata(id, entry));
                }
            });
            if (status == ShardStatus.LOADING) {
                status = ShardStatus.ACTIVE;
            }
        }
        return records;
    }

    synchronized void close() {
        status = ShardStatus.CLOSED;
    }

    TransactionMetadata get(String transactionalId) {
        return transactions.get(transactionalId);
    }

    void put(TransactionMetadata txn) {
        transactions.put(txn.transactionalId(), txn);
    }

    void remove(String transactionalId) {
        transactions.remove(transactionalId);
    }

    Collection<TransactionMetadata> all() {
        return List.copyOf(transactions.values());
    }

    /**
     * Writes {@code txn}'s pending {@code entry} and completes it in memory (a Dead one also leaves
     * the shard), or abandons it when the append fails. Lock held; never waits for replication:
     * the caller answers the client with {@link #answer}, whose commit waits up to
     * {@code timeoutMs} ({@code request.timeout.ms}).
     */
    CoordinatorLog.Written persist(TransactionMetadata txn, TransactionLogEntry entry, long nowMs, long timeoutMs) {
        CoordinatorLog.Written written = write(txn.transactionalId(), entry, nowMs, timeoutMs);
        if (!written.appended()) {
            txn.abandon();
            return written;
        }
        txn.complete(entry);
        if (entry.state() == TransactionState.DEAD) {
            remove(txn.transactionalId());
        }
        return written;
    }

    /** What the client is told of a write: NONE once it is committed, otherwise why not, as Kafka maps it. */
    static CompletableFuture<Errors> answer(CoordinatorLog.Written written) {
        return written.committed().thenApply(TransactionShard::asClientError);
    }

    /** What a client is told about a write that failed or did not commit, as Kafka maps it. */
    static Errors asClientError(Errors storage) {
        return switch (storage) {
            case NONE -> Errors.NONE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }

    /** Writes one transactional id's new entry (a tombstone when it is Dead). */
    private CoordinatorLog.Written write(String transactionalId, TransactionLogEntry entry, long nowMs,
                                         long timeoutMs) {
        byte[] value = entry.state() == TransactionState.DEAD ? null : TransactionRecords.value(entry);
        return log.write(List.of(new CoordinatorLog.Entry(TransactionRecords.key(transactionalId), value)), nowMs,
                timeoutMs);
    }
}
