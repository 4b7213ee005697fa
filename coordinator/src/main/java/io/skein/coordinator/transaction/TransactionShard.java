package io.skein.coordinator.transaction;

import io.skein.coordinator.records.ShardStatus;
import io.skein.coordinator.records.CoordinatorLog;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;

/**
 * The transactional ids of one {@code __transaction_state} partition this node leads: their
 * metadata, rebuilt from the partition's log when the node is elected, and the log their changes
 * are written to.
 *
 * <p>Threading: everything but {@link #status} is guarded by the shard's own monitor.
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

    /** Replays the partition; afterwards the shard serves requests. */
    synchronized long load(int bufferBytes) {
        long records = log.replay(bufferBytes, (key, value) -> {
            String id = TransactionRecords.readKey(key);
            if (value == null) {
                transactions.remove(id);
            } else {
                transactions.put(id, new TransactionMetadata(id, TransactionRecords.readValue(value)));
            }
        });
        transactions.values().removeIf(t -> t.state() == TransactionState.DEAD);
        if (status == ShardStatus.LOADING) {
            status = ShardStatus.ACTIVE;
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

    /** Writes one transactional id's new entry (a tombstone when it is Dead); NONE or the storage error. */
    Errors write(String transactionalId, TransactionLogEntry entry, long nowMs) {
        byte[] value = entry.state() == TransactionState.DEAD ? null : TransactionRecords.value(entry);
        return log.append(List.of(new CoordinatorLog.Entry(TransactionRecords.key(transactionalId), value)), nowMs);
    }
}
