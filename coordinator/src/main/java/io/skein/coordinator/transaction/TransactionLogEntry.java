package io.skein.coordinator.transaction;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * What {@code __transaction_state} holds for one transactional id: the value of its latest
 * record. Immutable.
 *
 * @param producerId the producer id in use
 * @param previousProducerId the producer id of the last committed transaction (-1 if none), so a
 *     retried EndTxn after a producer-id rotation is recognised (transactions version 2)
 * @param nextProducerId the producer id handed out next when the epoch is exhausted (-1 if none)
 * @param producerEpoch the epoch of {@code producerId}
 * @param timeoutMs {@code transaction.timeout.ms} the producer asked for
 * @param state the transaction's state
 * @param partitions the partitions in the transaction, by topic (empty unless in flight)
 * @param lastUpdateTimestampMs when the entry last changed
 * @param startTimestampMs when the current transaction started (-1 if none)
 * @param clientTransactionVersion the transactions version the producer uses (0 or 1: v1 protocol; 2: KIP-890)
 */
public record TransactionLogEntry(
        long producerId,
        long previousProducerId,
        long nextProducerId,
        short producerEpoch,
        int timeoutMs,
        TransactionState state,
        SortedMap<String, SortedSet<Integer>> partitions,
        long lastUpdateTimestampMs,
        long startTimestampMs,
        short clientTransactionVersion) {

    public TransactionLogEntry {
        Objects.requireNonNull(state, "state");
        partitions = copy(partitions);
    }

    private static SortedMap<String, SortedSet<Integer>> copy(Map<String, ? extends Set<Integer>> partitions) {
        SortedMap<String, SortedSet<Integer>> out = new java.util.TreeMap<>();
        partitions.forEach((topic, ids) -> out.put(topic,
                java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(ids))));
        return java.util.Collections.unmodifiableSortedMap(out);
    }

    /** The number of partitions in the transaction. */
    public int partitionCount() {
        return partitions.values().stream().mapToInt(Set::size).sum();
    }
}
