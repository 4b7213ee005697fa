package io.skein.coordinator.transaction;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a transactional id, with the ids Kafka writes in {@code __transaction_state}
 * and the names DescribeTransactions and ListTransactions report.
 *
 * <pre>
 *   Empty ──AddPartitions──▶ Ongoing ──EndTxn(commit)──▶ PrepareCommit ──markers──▶ CompleteCommit
 *     ▲                        │  └──EndTxn(abort) / timeout──▶ PrepareAbort ──markers──▶ CompleteAbort
 *     │                        └──InitProducerId / fencing──▶ PrepareEpochFence ──▶ PrepareAbort
 *     └── InitProducerId (from Empty, CompleteCommit, CompleteAbort)        Dead: expired, removed
 * </pre>
 */
public enum TransactionState {
    EMPTY((byte) 0, "Empty"),
    ONGOING((byte) 1, "Ongoing"),
    PREPARE_COMMIT((byte) 2, "PrepareCommit"),
    PREPARE_ABORT((byte) 3, "PrepareAbort"),
    COMPLETE_COMMIT((byte) 4, "CompleteCommit"),
    COMPLETE_ABORT((byte) 5, "CompleteAbort"),
    DEAD((byte) 6, "Dead"),
    PREPARE_EPOCH_FENCE((byte) 7, "PrepareEpochFence");

    private final byte id;
    private final String displayName;

    TransactionState(byte id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    /** The id stored in a {@code __transaction_state} value. */
    public byte id() {
        return id;
    }

    /** The name Kafka's admin APIs and tools show (e.g. "Ongoing"). */
    public String displayName() {
        return displayName;
    }

    /** @throws IllegalArgumentException for an id Kafka never writes */
    public static TransactionState fromId(byte id) {
        for (TransactionState s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown transaction state id " + id);
    }

    /** The state named as ListTransactions' state filter names it, or null. */
    public static TransactionState fromDisplayName(String name) {
        for (TransactionState s : values()) {
            if (s.displayName.equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** The states this one may be entered from. */
    public Set<TransactionState> validPrevious() {
        return switch (this) {
            case EMPTY -> EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case ONGOING -> EnumSet.of(ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case PREPARE_COMMIT -> EnumSet.of(ONGOING);
            case PREPARE_ABORT -> EnumSet.of(ONGOING, PREPARE_EPOCH_FENCE, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case COMPLETE_COMMIT -> EnumSet.of(PREPARE_COMMIT);
            case COMPLETE_ABORT -> EnumSet.of(PREPARE_ABORT);
            case DEAD -> EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case PREPARE_EPOCH_FENCE -> EnumSet.of(ONGOING);
        };
    }

    /** A transaction is open or being completed: markers may still have to be written. */
    public boolean isInFlight() {
        return this == ONGOING || this == PREPARE_COMMIT || this == PREPARE_ABORT || this == PREPARE_EPOCH_FENCE;
    }

    /** Waiting for markers to be written before the transaction completes. */
    public boolean isPreparing() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    /** The partitions of the last transaction are cleared on entering this state. */
    public boolean clearsPartitions() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT || this == DEAD;
    }
}
