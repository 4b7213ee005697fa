package io.skein.replication.raft;

import static io.skein.replication.raft.QuorumFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.replication.api.BrokerHeartbeatState;
import io.skein.replication.api.ControllerCommand;
import io.skein.replication.api.ControllerResult;
import io.skein.replication.api.MetadataImage;
import io.skein.replication.api.MetadataQuorum;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A node that is not a voter follows the leader's image, submits commands and heartbeats. */
class BrokerOnlyFollowerTest {

    private final List<MetadataQuorum> quorums = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        quorums.forEach(MetadataQuorum::close);
        for (Path dir : dirs) {
            QuorumFixture.delete(dir);
        }
    }

    @Test
    void brokerOnlyNodeSeesCommittedChangesAndCanSubmit() throws Exception {
        Map<Integer, InetSocketAddress> voters = QuorumFixture.voters(3);
        for (int id = 1; id <= 3; id++) {
            Path dir = QuorumFixture.newDir("voter" + id);
            dirs.add(dir);
            MetadataQuorum q = MetadataQuorum.create(QuorumFixture.settings(id, voters, dir, TIMEOUT));
            q.start();
            quorums.add(q);
        }
        Path brokerDir = QuorumFixture.newDir("broker4");
        dirs.add(brokerDir);
        MetadataQuorum broker = MetadataQuorum.create(QuorumFixture.settings(4, voters, null, brokerDir, TIMEOUT,
                10_000));
        broker.start();
        quorums.add(broker);
        broker.awaitReady().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Uuid incarnation = Uuid.randomUuid();

        ControllerResult registered = broker.submit(new ControllerCommand.RegisterBroker(4, incarnation, List.of(),
                "r")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        MetadataImage image = broker.awaitApplied(registered.offset()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertEquals("r", image.brokers().get(4).rack());
        assertEquals(quorums.get(0).image().clusterId(), image.clusterId());
        assertEquals(BrokerHeartbeatState.ACTIVE,
                broker.heartbeat(4, incarnation).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        ControllerResult created = quorums.get(1).submit(new ControllerCommand.CreateTopics(List.of(
                new ControllerCommand.NewTopic("seen", 1, (short) 1, Map.of(), Map.of())), false))
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, broker.awaitApplied(created.offset()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .topic("seen").orElseThrow().partitions().size());
    }
}
