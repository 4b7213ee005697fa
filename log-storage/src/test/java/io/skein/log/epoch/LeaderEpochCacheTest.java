package io.skein.log.epoch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.log.api.EpochEndOffset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderEpochCacheTest {

    @TempDir
    Path dir;

    private final List<List<EpochEntry>> persisted = new ArrayList<>();

    private LeaderEpochCache cache(EpochEntry... initial) {
        return new LeaderEpochCache("t-0", List.of(initial), persisted::add);
    }

    @Test
    void assignRecordsOnlyNewEpochs() {
        LeaderEpochCache cache = cache();

        assertTrue(cache.assign(0, 0));
        assertFalse(cache.assign(0, 5));
        assertTrue(cache.assign(2, 10));
        assertFalse(cache.assign(-1, 20));

        assertEquals(List.of(new EpochEntry(0, 0), new EpochEntry(2, 10)), cache.entries());
        assertEquals(2, cache.latestEpoch());
        assertEquals(2, persisted.size());
    }

    @Test
    void assignOfAnEarlierStartForTheLatestEpochMovesIt() {
        LeaderEpochCache cache = cache(new EpochEntry(1, 0), new EpochEntry(3, 50));

        assertTrue(cache.assign(3, 40));

        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(3, 40)), cache.entries());
    }

    @Test
    void assignOfAConflictingEpochDropsLaterEntries() {
        LeaderEpochCache cache = cache(new EpochEntry(1, 0), new EpochEntry(3, 50), new EpochEntry(4, 70));

        assertTrue(cache.assign(2, 60));

        assertEquals(List.of(new EpochEntry(1, 0), new EpochEntry(2, 60)), cache.entries());
    }

    @Test
    void truncateFromEndDropsEpochsStartingAtOrAfterTheEnd() {
        LeaderEpochCache cache = cache(new EpochEntry(1, 0), new EpochEntry(3, 50), new EpochEntry(4, 70));

        assertTrue(cache.truncateFromEnd(50));
        assertFalse(cache.truncateFromEnd(80));

        assertEquals(List.of(new EpochEntry(1, 0)), cache.entries());
    }

    @Test
    void truncateFromStartMovesTheLastEpochBelowTheNewStart() {
        LeaderEpochCache cache = cache(new EpochEntry(1, 0), new EpochEntry(3, 50), new EpochEntry(4, 70));

        assertTrue(cache.truncateFromStart(60));
        assertFalse(cache.truncateFromStart(60));
        assertFalse(cache.truncateFromStart(10));

        assertEquals(List.of(new EpochEntry(3, 60), new EpochEntry(4, 70)), cache.entries());
    }

    @Test
    void truncateFromStartAtAnEpochStartDropsOnlyEarlierOnes() {
        LeaderEpochCache cache = cache(new EpochEntry(1, 0), new EpochEntry(3, 50), new EpochEntry(4, 70));

        cache.truncateFromStart(70);

        assertEquals(List.of(new EpochEntry(4, 70)), cache.entries());
    }

    @Test
    void endOffsetForFollowsKafkasRules() {
        LeaderEpochCache cache = cache(new EpochEntry(2, 10), new EpochEntry(4, 50), new EpochEntry(7, 90));

        assertEquals(new EpochEndOffset(7, 120), cache.endOffsetFor(7, 120), "latest epoch ends at the log end");
        assertEquals(new EpochEndOffset(4, 90), cache.endOffsetFor(4, 120), "older epoch ends where the next starts");
        assertEquals(new EpochEndOffset(4, 90), cache.endOffsetFor(5, 120), "unknown epoch: the largest below it");
        assertEquals(new EpochEndOffset(2, 50), cache.endOffsetFor(3, 120));
        assertEquals(new EpochEndOffset(1, 10), cache.endOffsetFor(1, 120), "below the earliest: its start");
        assertEquals(EpochEndOffset.UNDEFINED_ANSWER, cache.endOffsetFor(8, 120), "above the latest");
        assertEquals(EpochEndOffset.UNDEFINED_ANSWER, cache.endOffsetFor(-1, 120));
        assertEquals(EpochEndOffset.UNDEFINED_ANSWER, cache().endOffsetFor(0, 120), "no epochs known");
    }

    @Test
    void rejectsNonMonotonicInitialHistory() {
        assertThrows(IllegalArgumentException.class, () -> cache(new EpochEntry(3, 0), new EpochEntry(2, 10)));
    }

    @Test
    void checkpointRoundTripsInKafkasFormat() throws IOException {
        LeaderEpochCheckpointFile file = new LeaderEpochCheckpointFile(dir);
        LeaderEpochCache cache = new LeaderEpochCache("t-0", List.of(), file::write);
        cache.assign(0, 0);
        cache.assign(3, 1234);

        assertEquals("0\n2\n0 0\n3 1234\n", Files.readString(file.file(), StandardCharsets.UTF_8));
        assertEquals(Optional.of(cache.entries()), file.read());
        assertFalse(Files.exists(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME + ".tmp")));
    }

    @Test
    void missingCheckpointReadsAsEmpty() throws IOException {
        assertEquals(Optional.empty(), new LeaderEpochCheckpointFile(dir).read());
    }

    @Test
    void corruptCheckpointIsReported() throws IOException {
        LeaderEpochCheckpointFile file = new LeaderEpochCheckpointFile(dir);
        for (String bad : List.of("", "1\n0\n", "0\n2\n0 0\n", "0\n1\nx 0\n", "0\n2\n3 10\n2 20\n", "0\n1\n-1 0\n")) {
            Files.writeString(file.file(), bad);
            assertThrows(io.skein.log.checkpoint.CorruptCheckpointException.class, file::read, bad);
        }
    }
}
