package io.skein.coordinator.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.coordinator.records.CoordinatorReplication;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;

/**
 * TxnOffsetCommit: offsets stay pending until the producer's marker reaches the offsets partition;
 * COMMIT makes them committed, ABORT drops them, and a reload replays both from the log.
 */
class TransactionalOffsetsTest {

    private static final TopicPartition T0 = new TopicPartition("input", 0);
    private static final TopicPartition T1 = new TopicPartition("input", 1);
    private static final long PID = 4000L;
    private static final short EPOCH = 3;

    private static Map<TopicPartition, Errors> txnCommit(CoordinatorFixture f, String group, long pid,
                                                         OffsetCommitEntry... entries) {
        return f.coordinator.commitTransactionalOffsets(group, pid, EPOCH, -1, "", null, List.of(entries)).join();
    }

    /** Appends a marker as the transaction coordinator's marker writer would, and tells the group coordinator. */
    private static void marker(CoordinatorFixture f, long pid, boolean commit) {
        long offset = f.log().logEndOffset();
        MemoryRecords records = MemoryRecords.withEndTransactionMarker(offset, System.currentTimeMillis(), 0, pid, EPOCH,
                new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, 0));
        assertEquals(Errors.NONE, f.log().appendAsFollower(records).error());
        f.coordinator.onTransactionMarker(0, pid, commit);
    }

    private static Long committed(CoordinatorFixture f, String group, TopicPartition tp) {
        CommittedOffset o = f.coordinator.fetchOffsets(group, List.of(tp)).offsets().get(tp);
        return o == null ? null : o.offset();
    }

    @Test
    void offsetsBecomeVisibleOnlyWithTheCommitMarker() throws Exception {
        try (CoordinatorFixture f = new CoordinatorFixture(CoordinatorFixture.fastConfig())) {
            assertEquals(Map.of(T0, Errors.NONE), txnCommit(f, "etl", PID, new OffsetCommitEntry(T0, 10, -1, "")));
            assertEquals(Map.of(T0, Errors.NONE), txnCommit(f, "etl", PID, new OffsetCommitEntry(T0, 12, -1, "")));
            assertNull(committed(f, "etl", T0));
            assertTrue(f.coordinator.hasPendingTransactionalOffset("etl", T0));

            marker(f, PID, true);

            assertEquals(12L, committed(f, "etl", T0));
            assertFalse(f.coordinator.hasPendingTransactionalOffset("etl", T0));
        }
    }

    @Test
    void abortedOffsetsAreDropped() throws Exception {
        try (CoordinatorFixture f = new CoordinatorFixture(CoordinatorFixture.fastConfig())) {
            txnCommit(f, "etl", PID, new OffsetCommitEntry(T0, 10, -1, ""));
            marker(f, PID, true);
            txnCommit(f, "etl", PID, new OffsetCommitEntry(T0, 20, -1, ""));

            marker(f, PID, false);

            assertEquals(10L, committed(f, "etl", T0));
        }
    }

    @Test
    void aReloadReplaysPendingCommittedAndAbortedTransactionalOffsets() throws Exception {
        try (CoordinatorFixture f = new CoordinatorFixture(CoordinatorFixture.fastConfig())) {
            txnCommit(f, "etl", PID, new OffsetCommitEntry(T0, 10, -1, ""));
            marker(f, PID, true);
            txnCommit(f, "etl", PID, new OffsetCommitEntry(T0, 20, -1, ""));
            marker(f, PID, false);
            txnCommit(f, "etl", PID + 1, new OffsetCommitEntry(T1, 7, -1, "")); // still open at the restart

            f.reopen();

            assertEquals(10L, committed(f, "etl", T0));
            assertNull(committed(f, "etl", T1));
            assertTrue(f.coordinator.hasPendingTransactionalOffset("etl", T1));
            // the producer's sequence continues after the reload: the next write is accepted
            assertEquals(Map.of(T1, Errors.NONE), txnCommit(f, "etl", PID + 1, new OffsetCommitEntry(T1, 8, -1, "")));
            marker(f, PID + 1, true);
            assertEquals(8L, committed(f, "etl", T1));
        }
    }

    @Test
    void aMarkerArrivingWhileTheShardLoadsIsAppliedAfterTheReplay() throws Exception {
        try (CoordinatorFixture f = new CoordinatorFixture(CoordinatorFixture.fastConfig())) {
            txnCommit(f, "etl", PID, new OffsetCommitEntry(T0, 33, -1, ""));
            GroupShard loading = new GroupShard(0, new GroupLog(f.log(), 0, CoordinatorReplication.immediate()));

            synchronized (loading) {
                loading.completeTransaction(PID, true, System.currentTimeMillis()); // the replay will not see it
            }
            loading.load(1 << 20, System.currentTimeMillis());

            assertEquals(33L, loading.offsets().get("etl", T0).offset());
            assertFalse(loading.pendingOffsets().hasPending("etl", T0));
        }
    }
}
