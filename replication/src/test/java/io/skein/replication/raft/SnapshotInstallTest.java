package io.skein.replication.raft;

import static io.skein.replication.raft.QuorumFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.MetadataImage;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A voter that was down while the others snapshotted and purged their logs catches up by
 * installing the leader's snapshot (Ratis pauses and reinitializes the state machine).
 */
class SnapshotInstallTest {

    private final Map<Integer, InetSocketAddress> voters = QuorumFixture.voters(3);
    private final List<Path> dirs = new ArrayList<>();
    private final RatisMetadataQuorum[] quorums = new RatisMetadataQuorum[4];

    @AfterEach
    void tearDown() throws Exception {
        for (RatisMetadataQuorum q : quorums) {
            if (q != null) {
                q.close();
            }
        }
        for (Path dir : dirs) {
            QuorumFixture.delete(dir);
        }
    }

    private RatisMetadataQuorum start(int id) throws Exception {
        RatisMetadataQuorum q = new RatisMetadataQuorum(QuorumFixture.settings(id, voters, voters.get(id),
                dirs.get(id - 1), TIMEOUT, 5));
        q.start();
        quorums[id] = q;
        return q;
    }

    private static ControllerCommand topic(String name) {
        return new ControllerCommand.CreateTopics(List.of(new ControllerCommand.NewTopic(name, 1, (short) 1,
                Map.of(), Map.of())), false);
    }

    private void createTopics(RatisMetadataQuorum via, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            via.submit(topic(prefix + i)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void aVoterBehindThePurgedLogInstallsTheLeadersSnapshot() throws Exception {
        for (int id = 1; id <= 3; id++) {
            dirs.add(QuorumFixture.newDir("install" + id));
        }
        for (int id = 1; id <= 3; id++) {
            start(id);
        }
        for (int id = 1; id <= 3; id++) {
            quorums[id].awaitReady().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        quorums[1].submit(QuorumFixture.register(1)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        createTopics(quorums[1], "early-", 5);
        quorums[3].close();
        quorums[3] = null;
        // Restarting 1 and 2 closes their open log segments, so the snapshots that follow can purge them.
        for (int id = 1; id <= 2; id++) {
            quorums[id].close();
            start(id);
        }
        quorums[1].awaitReady().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        createTopics(quorums[1], "late-", 30);

        RatisMetadataQuorum back = start(3);
        MetadataImage image = back.awaitReady().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(35, image.topics().size());
        QuorumFixture.await(() -> back.image().topic("late-29").isPresent(), "the late topics on voter 3");
    }
}
