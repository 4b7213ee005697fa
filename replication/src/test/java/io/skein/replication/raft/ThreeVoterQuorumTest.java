package io.skein.replication.raft;

import static io.skein.replication.raft.QuorumFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.ControllerUnavailableException;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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

    @Test
    void theLeaderRefusesToFenceABrokerWhoseSessionItSeesAlive() throws Exception {
        int leader = startThreeVoters();
        MetadataQuorum follower = quorums.get(leader == 1 ? 1 : 0);
        ControllerCommand.RegisterBroker broker = (ControllerCommand.RegisterBroker) QuorumFixture.register(1);
        follower.submit(broker).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        follower.heartbeat(1, broker.incarnationId()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        // A fence for a missed session, as a cut-off former leader would send it after the heal,
        ExecutionException refused = assertThrows(ExecutionException.class, () -> follower.submit(
                new ControllerCommand.FenceBroker(1, broker.incarnationId(), false)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(ControllerUnavailableException.class, refused.getCause());
        assertTrue(refused.getCause().getMessage().contains("session has not expired"), refused.getCause().getMessage());
        ControllerResult barrier = follower.submit(new ControllerCommand.Barrier()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertFalse(follower.awaitApplied(barrier.offset()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .brokers().get(1).fenced(), "broker 1 fenced by a refused command");

        // while a broker's own controlled shutdown still fences it.
        ControllerResult shutdown = follower.submit(new ControllerCommand.FenceBroker(1, broker.incarnationId(), true))
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Errors.NONE, shutdown.items().get(0).error());
        assertTrue(follower.awaitApplied(shutdown.offset()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .brokers().get(1).fenced());
    }
}
