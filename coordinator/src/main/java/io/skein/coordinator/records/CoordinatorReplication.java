package io.skein.coordinator.records;

/**
 * How long a coordinator's writes may wait to be replicated, and who tells it they are.
 *
 * @param await the replication notification (the broker's high watermark)
 * @param offsetCommitTimeoutMs {@code offsets.commit.timeout.ms} (5000): OffsetCommit and TxnOffsetCommit
 * @param requestTimeoutMs {@code request.timeout.ms} (30000): every other coordinator write
 */
public record CoordinatorReplication(ReplicationAwait await, long offsetCommitTimeoutMs, long requestTimeoutMs) {

    /** Writes commit as soon as they are appended (one node, tests). */
    public static CoordinatorReplication immediate() {
        return new CoordinatorReplication(ReplicationAwait.IMMEDIATE, 5_000, 30_000);
    }
}
