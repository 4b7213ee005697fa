package io.skein.replication.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Leader 1 with followers 2 and 3, epoch 4 starting at offset 10, created at t=1000. */
class FollowerProgressTest {

    private static final long LAG = 30_000;
    private final FollowerProgress progress = new FollowerProgress(4, 10, List.of(2, 3), 1000);

    @Test
    void highWatermarkIsTheSmallestLogEndOverTheIsr() {
        progress.recordFetch(2, 15, 20, 1100);
        progress.recordFetch(3, 18, 20, 1100);

        assertEquals(15, progress.highWatermark(List.of(1, 2, 3), 1, 20));
        assertEquals(18, progress.highWatermark(List.of(1, 3), 1, 20));
        assertEquals(20, progress.highWatermark(List.of(1), 1, 20));
    }

    @Test
    void highWatermarkIsUnknownUntilEveryIsrFollowerFetched() {
        progress.recordFetch(2, 20, 20, 1100);

        assertEquals(-1, progress.highWatermark(List.of(1, 2, 3), 1, 20));
    }

    @Test
    void aFollowerFetchingFromTheLeadersLogEndIsCaughtUp() {
        progress.recordFetch(2, 20, 20, 40_000);

        assertEquals(List.of(3), progress.outOfSync(List.of(1, 2, 3), 1, 20, 40_000, LAG),
                "3 never fetched and its grace since the epoch start ran out");
    }

    @Test
    void aFollowerThatReachedTheLeadersPreviousLogEndWasCaughtUpAtItsPreviousFetch() {
        progress.recordFetch(2, 10, 20, 5_000);
        progress.recordFetch(2, 20, 30, 36_000); // had everything the leader had at t=5000, not since

        assertEquals(List.of(), progress.outOfSync(List.of(1, 2), 1, 30, 35_000, LAG));
        assertEquals(List.of(2), progress.outOfSync(List.of(1, 2), 1, 30, 35_001, LAG));
    }

    @Test
    void aFollowerJoinsTheIsrOnlyAtTheHighWatermarkAndTheEpochStart() {
        progress.recordFetch(2, 9, 20, 1100);
        assertFalse(progress.mayJoinIsr(2, 5), "below the start of the leader's epoch");

        progress.recordFetch(2, 12, 20, 1200);
        assertFalse(progress.mayJoinIsr(2, 15), "below the high watermark");
        assertTrue(progress.mayJoinIsr(2, 12));
        assertFalse(progress.mayJoinIsr(7, 0), "not a replica");
    }

    @Test
    void fetchesOfNonReplicasAreIgnored() {
        assertFalse(progress.recordFetch(9, 20, 20, 1100));
    }
}
