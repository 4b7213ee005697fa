package io.skein.replication.raft;

import static io.skein.replication.raft.QuorumFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThreeVoterQuorumTest {

    /** Node id n is at index n - 1. */
    private final List<MetadataQuorum> quorums = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        quorums.forEach(MetadataQuorum::close);
        for (Path dir : dirs) {
            QuorumFixture.delete(dir);
        }
    }

    /** Starts three voters, waits until all are ready, and returns the leader's node id. */
    private int startThreeVoters() throws Exception {
        Map<Integer, InetSocketAddress> voters = QuorumFixture.voters(3);
        for (int id = 1; id <= 3; id++) {
            Path dir = QuorumFixture.newDir("voter" + id);
            dirs.add(dir);
            MetadataQuorum quorum = MetadataQuorum.create(QuorumFixture.settings(id, voters, dir, TIMEOUT));
            quorum.start();
            quorums.add(quorum);
        }
        List<CompletableFuture<MetadataImage>> ready = quorums.stream().map(MetadataQuorum::awaitReady).toList();
        for (CompletableFuture<MetadataImage> r : ready) {
            r.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        int leader = quorums.get(0).image().controllerId();
        assertNotEquals(-1, leader);
        return leader;
    }

    private static ControllerCommand createTopic(String name) {
        return new ControllerCommand.CreateTopics(List.of(
                new ControllerCommand.NewTopic(name, 2, (short) 1, Map.of(), Map.of("retention.ms", "60000"))), false);
    }

    @Test
    void commandSubmittedOnAFollowerIsAppliedOnAllThree() throws Exception {
        int leader = startThreeVoters();
        MetadataQuorum follower = quorums.get(leader == 1 ? 1 : 0);
        follower.submit(QuorumFixture.register(1)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        ControllerResult result = follower.submit(createTopic("replicated")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(Errors.NONE, result.items().get(0).error());
        String clusterId = quorums.get(0).image().clusterId();
        for (MetadataQuorum quorum : quorums) {
            MetadataImage image = quorum.awaitApplied(result.offset()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            MetadataImage.TopicImage topic = image.topic("replicated").orElseThrow();
            assertEquals(2, topic.partitions().size());
            assertEquals("60000", topic.configs().get("retention.ms"));
            assertEquals(clusterId, image.clusterId());
            assertEquals(leader, image.controllerId());
        }
    }

    @Test
    void remainingTwoVotersElectANewLeaderAndKeepCommitting() throws Exception {
        int leader = startThreeVoters();
        MetadataQuorum survivor = quorums.get(leader == 1 ? 1 : 0);
        survivor.submit(QuorumFixture.register(1)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        quorums.get(leader - 1).close();

        ControllerResult result = survivor.submit(createTopic("after-failover")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(Errors.NONE, result.items().get(0).error());
        MetadataImage image = survivor.awaitApplied(result.offset()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(2, image.topic("after-failover").orElseThrow().partitions().size());
        assertNotEquals(leader, image.controllerId());
    }
}
