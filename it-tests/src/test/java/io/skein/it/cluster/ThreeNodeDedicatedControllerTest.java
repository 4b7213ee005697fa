package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.ThreeNodeCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two combined nodes and a dedicated controller (process.roles=controller): three voters, two brokers. */
class ThreeNodeDedicatedControllerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private ThreeNodeCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void dedicatedControllerVotesButServesNoClients() throws Exception {
        cluster = ThreeNodeCluster.start("dedicated", Map.of(), true);
        String brokers = cluster.node(1).bootstrap() + "," + cluster.node(2).bootstrap();

        try (Admin admin = Clients.admin(brokers)) {
            Set<Integer> brokerIds = admin.describeCluster().nodes().get().stream().map(Node::id)
                    .collect(Collectors.toSet());
            QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get();
            admin.createTopics(List.of(new NewTopic("two-brokers", 4, (short) 2))).all().get();

            assertEquals(Set.of(1, 2), brokerIds);
            assertEquals(Set.of(1, 2, 3), quorum.voters().stream().map(QuorumInfo.ReplicaState::replicaId)
                    .collect(Collectors.toSet()));
            Clients.awaitTopic(admin, "two-brokers", 4, TIMEOUT);
        }
        assertTrue(cluster.node(3).readyLine().startsWith("skein ready:"), cluster.node(3).readyLine());
        assertTrue(cluster.node(3).outputLines().stream().noneMatch(l -> l.contains("registered (incarnation")),
                "a dedicated controller registers no broker");
    }
}
