package io.skein.coordinator.transaction;

import io.skein.coordinator.records.ShardStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListTransactions' filtering over the shards a coordinator serves. Stateless; takes each shard's
 * lock while reading it.
 */
public final class TransactionListing {

    /** One transactional id as ListTransactions reports it. */
    public record Listed(String transactionalId, long producerId, TransactionState state) {
    }

    /** What ListTransactions found: COORDINATOR_LOAD_IN_PROGRESS while a shard is still loading. */
    public record Result(Errors error, List<Listed> transactions) {
    }

    private TransactionListing() {
    }

    /**
     * The transactional ids that match all the filters: a state in {@code states} (any when
     * empty), a producer id in {@code producerIds} (any when empty), and, when
     * {@code minDurationMs} is not negative, a transaction open at least that long at {@code nowMs}.
     */
    static Result list(Collection<TransactionShard> shards, Set<TransactionState> states, Set<Long> producerIds,
                       long minDurationMs, long nowMs) {
        List<Listed> out = new ArrayList<>();
        Errors error = Errors.NONE;
        for (TransactionShard shard : shards) {
            if (shard.status() == ShardStatus.LOADING) {
                error = Errors.COORDINATOR_LOAD_IN_PROGRESS;
                continue;
            }
            synchronized (shard) {
                if (shard.status() != ShardStatus.ACTIVE) {
                    continue;
                }
                for (TransactionMetadata txn : shard.all()) {
                    TransactionLogEntry e = txn.current();
                    boolean open = e.state().isInFlight() && e.startTimestampMs() >= 0;
                    if ((states.isEmpty() || states.contains(e.state()))
                            && (producerIds.isEmpty() || producerIds.contains(e.producerId()))
                            && (minDurationMs < 0 || open && nowMs - e.startTimestampMs() >= minDurationMs)) {
                        out.add(new Listed(txn.transactionalId(), e.producerId(), e.state()));
                    }
                }
            }
        }
        return new Result(error, out);
    }
}
