package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.KafkaTools;
import io.skein.it.harness.Processes;
import io.skein.it.harness.ThreeNodeCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster operations against three nodes, through Admin and Kafka's own tools
 * ({@code kafka-leader-election}, {@code kafka-reassign-partitions}): preferred leader elections,
 * partition reassignments that complete at once (their targets are already in sync), reassignments
 * left in progress (an added replica cannot catch up before follower replication exists) that are
 * listed, shown in the metadata as target plus current replicas, and cancelled.
 *
 * <p>The active controller checks leader imbalance every 2 s. Each test uses its own topics; the
 * {@code ballast} topic (20 partitions preferring broker 2, led by it) keeps broker 2's imbalance
 * under 10% whatever the other tests do, so only the preferred elections a test asks for move
 * broker 2's leaderships, while broker 3 (few partitions) gets its leadership back by itself.
 */
class ClusterOperationsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static ThreeNodeCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        cluster = ThreeNodeCluster.start("ops", Map.of("leader.imbalance.check.interval.seconds", "2"));
        Map<Integer, List<Integer>> ballast = new java.util.HashMap<>();
        for (int p = 0; p < 20; p++) {
            ballast.put(p, List.of(2, 1, 3));
        }
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("ballast", ballast))).all().get();
            Clients.awaitTopic(admin, "ballast", 20, TIMEOUT);
        } catch (Exception e) {
            throw new AssertionError("cannot create the ballast topic", e);
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static TopicDescription create(Admin admin, String topic, List<Integer> replicas) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, Map.of(0, replicas)))).all().get();
        return Clients.awaitTopic(admin, topic, 1, TIMEOUT);
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    /** Waits until Admin (any node) describes partition 0 of the topic with these replicas and leader. */
    private static TopicPartitionInfo awaitPartition(Admin admin, String topic, List<Integer> replicas, int leader) {
        TopicPartitionInfo[] last = new TopicPartitionInfo[1];
        Clients.await(topic + "-0 with replicas " + replicas + " led by " + leader, TIMEOUT, () -> {
            try {
                last[0] = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().get(0);
                return ids(last[0].replicas()).equals(replicas) && last[0].leader() != null
                        && last[0].leader().id() == leader;
            } catch (ExecutionException | InterruptedException e) {
                return false;
            }
        });
        return last[0];
    }

    private static Map<TopicPartition, PartitionReassignment> awaitListed(Admin admin, int expected) {
        @SuppressWarnings("unchecked")
        Map<TopicPartition, PartitionReassignment>[] last = new Map[1];
        Clients.await(expected + " reassignments listed", TIMEOUT, () -> {
            try {
                last[0] = admin.listPartitionReassignments().reassignments().get();
                return last[0].size() == expected;
            } catch (ExecutionException | InterruptedException e) {
                return false;
            }
        });
        return last[0];
    }

    private static void reassign(Admin admin, TopicPartition tp, List<Integer> target) throws Exception {
        admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(target)))).all().get();
    }

    @Test
    void kafkaLeaderElectionToolMovesLeadershipToThePreferredReplica() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            create(admin, "elect", List.of(1, 2, 3));
            reassign(admin, new TopicPartition("elect", 0), List.of(2, 1, 3)); // a reorder completes at once
            awaitPartition(admin, "elect", List.of(2, 1, 3), 1);

            Processes.Result r = KafkaTools.run("org.apache.kafka.tools.LeaderElectionCommand", List.of(
                    "--bootstrap-server", cluster.bootstrap(), "--election-type", "preferred",
                    "--all-topic-partitions"), TIMEOUT);

            assertEquals(0, r.exitCode(), r.describe());
            assertTrue(r.output().lines().anyMatch(l -> l.startsWith(
                    "Successfully completed leader election (PREFERRED) for partitions") && l.contains("elect-0")),
                    r.output());
            TopicPartitionInfo p = awaitPartition(admin, "elect", List.of(2, 1, 3), 2);
            assertEquals(Set.of(1, 2, 3), Set.copyOf(ids(p.isr())));
        }
    }

    @Test
    void activeControllerHandsLeadershipBackToAnImbalancedPreferredReplica() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            create(admin, "auto", List.of(1, 3, 2));

            reassign(admin, new TopicPartition("auto", 0), List.of(3, 1, 2)); // broker 3 preferred, 1 still leads

            awaitPartition(admin, "auto", List.of(3, 1, 2), 3);
        }
    }

    @Test
    void electionIsNotNeededWhenThePreferredReplicaLeadsAndUnknownPartitionsAreReported() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            create(admin, "settled", List.of(3, 1));
            TopicPartition settled = new TopicPartition("settled", 0);
            TopicPartition unknown = new TopicPartition("settled", 5);

            Map<TopicPartition, Optional<Throwable>> results = admin.electLeaders(ElectionType.PREFERRED,
                    Set.of(settled, unknown)).partitions().get();

            assertInstanceOf(ElectionNotNeededException.class, results.get(settled).orElseThrow());
            assertInstanceOf(UnknownTopicOrPartitionException.class, results.get(unknown).orElseThrow());
        }
    }

    @Test
    void reassignmentInProgressIsListedShownInMetadataAndCancelled() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            create(admin, "moving", List.of(1, 2));
            TopicPartition tp = new TopicPartition("moving", 0);

            reassign(admin, tp, List.of(1, 3));

            PartitionReassignment listed = awaitListed(admin, 1).get(tp);
            assertEquals(List.of(1, 3, 2), listed.replicas());
            assertEquals(List.of(3), listed.addingReplicas());
            assertEquals(List.of(2), listed.removingReplicas());
            TopicPartitionInfo during = awaitPartition(admin, "moving", List.of(1, 3, 2), 1);
            assertEquals(Set.of(1, 2), Set.copyOf(ids(during.isr())), "the ISR is unchanged until 3 catches up");

            admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all().get();

            awaitListed(admin, 0);
            TopicPartitionInfo after = awaitPartition(admin, "moving", List.of(1, 2), 1);
            assertEquals(Set.of(1, 2), Set.copyOf(ids(after.isr())));
            var again = assertThrows(ExecutionException.class,
                    () -> admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all().get());
            assertInstanceOf(NoReassignmentInProgressException.class, again.getCause());
        }
    }

    @Test
    void removingTheLeaderCompletesAtOnceWithAnInSyncTargetLeading() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            create(admin, "shrinking", List.of(1, 2, 3));

            reassign(admin, new TopicPartition("shrinking", 0), List.of(3, 2));

            TopicPartitionInfo p = awaitPartition(admin, "shrinking", List.of(3, 2), 3);
            assertEquals(Set.of(2, 3), Set.copyOf(ids(p.isr())));
            awaitListed(admin, 0);
        }
    }

    @Test
    void invalidTargetsAreRefused() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            create(admin, "invalid", List.of(2));

            var e = assertThrows(ExecutionException.class,
                    () -> reassign(admin, new TopicPartition("invalid", 0), List.of(2, 9)));

            assertInstanceOf(InvalidReplicaAssignmentException.class, e.getCause());
        }
    }

    @Test
    void kafkaReassignPartitionsToolExecutesListsVerifiesAndCancels() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("tool", Map.of(0, List.of(1, 2), 1, List.of(2, 3))))).all().get();
            Clients.awaitTopic(admin, "tool", 2, TIMEOUT);
        }
        // partition 0 only reorders (completes at once); partition 1 adds broker 1, which cannot catch up yet
        Path plan = Files.writeString(dir.resolve("plan.json"), "{\"version\":1,\"partitions\":["
                + "{\"topic\":\"tool\",\"partition\":0,\"replicas\":[2,1]},"
                + "{\"topic\":\"tool\",\"partition\":1,\"replicas\":[2,1]}]}");

        Processes.Result execute = tool("--execute", "--reassignment-json-file", plan.toString());
        Processes.Result list = tool("--list");
        Processes.Result verify = tool("--verify", "--reassignment-json-file", plan.toString(), "--preserve-throttles");
        Processes.Result cancel = tool("--cancel", "--reassignment-json-file", plan.toString(), "--preserve-throttles");
        Processes.Result listAfter = tool("--list");

        assertEquals(0, execute.exitCode(), execute.describe());
        assertTrue(execute.output().contains("Successfully started partition reassignments for tool-0,tool-1"),
                execute.output());
        assertEquals(0, list.exitCode(), list.describe());
        assertTrue(list.output().contains("tool-1: replicas: 2,1,3. adding: 1. removing: 3."), list.output());
        assertTrue(verify.output().contains("Reassignment of partition tool-0 is completed."), verify.describe());
        assertTrue(verify.output().contains("Reassignment of partition tool-1 is still in progress."),
                verify.describe());
        assertEquals(0, cancel.exitCode(), cancel.describe());
        assertTrue(cancel.output().contains("Successfully cancelled partition reassignment for: tool-1"),
                cancel.output());
        assertTrue(listAfter.output().contains("No partition reassignments found."), listAfter.describe());
    }

    private static Processes.Result tool(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--bootstrap-server", cluster.node(1).bootstrap()));
        all.addAll(List.of(args));
        return KafkaTools.run("org.apache.kafka.tools.reassign.ReassignPartitionsCommand", all, TIMEOUT);
    }
}
