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
 * partition reassignments that complete at once (their targets are already in sync) or once the
 * added replica copied the log and joined the ISR, reassignments left in progress (the added
 * replica is frozen) that are listed, shown in the metadata as target plus current replicas, and
 * cancelled.
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
        // a long session: tests freeze a broker (SIGSTOP) so that an added replica cannot catch up,
        // and it must not be fenced meanwhile
        cluster = ThreeNodeCluster.start("ops", Map.of("leader.imbalance.check.interval.seconds", "2",
                "broker.session.timeout.ms", "60000"));
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
    void reassignmentAddingAReplicaCompletesOnceItCaughtUp() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            create(admin, "catching-up", List.of(1, 2));
            try (var producer = Clients.producer(cluster.bootstrap())) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("catching-up", 0, null,
                            new byte[] {(byte) i})).get();
                }
            }

            reassign(admin, new TopicPartition("catching-up", 0), List.of(1, 3));

            awaitListed(admin, 0);
            TopicPartitionInfo after = awaitPartition(admin, "catching-up", List.of(1, 3), 1);
            assertEquals(Set.of(1, 3), Set.copyOf(ids(after.isr())), "3 copied the log and joined the ISR");
        }
    }

    /**
     * The added replica is frozen (SIGSTOP) so that it cannot catch up: the reassignment stays in
     * progress until cancelled. The frozen node is not the active controller, and is thawed within
     * seconds, well inside its session timeout.
     */
    @Test
    void reassignmentInProgressIsListedShownInMetadataAndCancelled() throws Exception {
        int controller;
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            controller = admin.describeMetadataQuorum().quorumInfo().get().leaderId();
        }
        int added = controller == 3 ? 2 : 3;
        List<Integer> original = controller == 3 ? List.of(1, 3) : List.of(1, 2);
        int removed = original.get(1);
        String others = cluster.node(original.get(0)).bootstrap() + "," + cluster.node(original.get(1)).bootstrap();
        try (Admin admin = Clients.admin(others, Map.of("request.timeout.ms", "3000",
                "default.api.timeout.ms", "30000"))) {
            create(admin, "moving", original);
            TopicPartition tp = new TopicPartition("moving", 0);

            Signals.send(cluster.node(added), "STOP");
            try {
                reassign(admin, tp, List.of(1, added));

                PartitionReassignment listed = awaitListed(admin, 1).get(tp);
                assertEquals(List.of(1, added, removed), listed.replicas());
                assertEquals(List.of(added), listed.addingReplicas());
                assertEquals(List.of(removed), listed.removingReplicas());
                TopicPartitionInfo during = awaitPartition(admin, "moving", List.of(1, added, removed), 1);
                assertEquals(Set.copyOf(original), Set.copyOf(ids(during.isr())),
                        "the ISR is unchanged until " + added + " catches up");

                admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all().get();
            } finally {
                Signals.send(cluster.node(added), "CONT");
            }

            awaitListed(admin, 0);
            TopicPartitionInfo after = awaitPartition(admin, "moving", original, 1);
            assertEquals(Set.copyOf(original), Set.copyOf(ids(after.isr())));
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
        int frozen;
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            int controller = admin.describeMetadataQuorum().quorumInfo().get().leaderId();
            frozen = controller == 3 ? 2 : 3;
        }
        List<Integer> others = new java.util.ArrayList<>(List.of(1, 2, 3));
        others.remove(Integer.valueOf(frozen));
        int x = others.get(0);
        int y = others.get(1);
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("tool", Map.of(0, List.of(x, y), 1, List.of(x, y))))).all().get();
            Clients.awaitTopic(admin, "tool", 2, TIMEOUT);
        }
        // partition 0 only reorders (completes at once); partition 1 adds the frozen broker, which cannot catch up
        Path plan = Files.writeString(dir.resolve("plan.json"), "{\"version\":1,\"partitions\":["
                + "{\"topic\":\"tool\",\"partition\":0,\"replicas\":[" + y + "," + x + "]},"
                + "{\"topic\":\"tool\",\"partition\":1,\"replicas\":[" + x + "," + frozen + "]}]}");
        Path adminConfig = Files.writeString(dir.resolve("admin.properties"),
                "request.timeout.ms=3000\ndefault.api.timeout.ms=30000\n");
        String bootstrap = cluster.node(x).bootstrap();

        Processes.Result execute;
        Processes.Result list;
        Processes.Result verify;
        Processes.Result cancel;
        Signals.send(cluster.node(frozen), "STOP");
        try {
            execute = tool(bootstrap, adminConfig, "--execute", "--reassignment-json-file", plan.toString());
            list = tool(bootstrap, adminConfig, "--list");
            verify = tool(bootstrap, adminConfig, "--verify", "--reassignment-json-file", plan.toString(),
                    "--preserve-throttles");
            cancel = tool(bootstrap, adminConfig, "--cancel", "--reassignment-json-file", plan.toString(),
                    "--preserve-throttles");
        } finally {
            Signals.send(cluster.node(frozen), "CONT");
        }
        Processes.Result listAfter = tool(bootstrap, adminConfig, "--list");

        assertEquals(0, execute.exitCode(), execute.describe());
        assertTrue(execute.output().contains("Successfully started partition reassignments for tool-0,tool-1"),
                execute.output());
        assertEquals(0, list.exitCode(), list.describe());
        assertTrue(list.output().contains("tool-1: replicas: " + x + "," + frozen + "," + y + ". adding: " + frozen
                + ". removing: " + y + "."), list.output());
        assertTrue(verify.output().contains("Reassignment of partition tool-0 is completed."), verify.describe());
        assertTrue(verify.output().contains("Reassignment of partition tool-1 is still in progress."),
                verify.describe());
        assertEquals(0, cancel.exitCode(), cancel.describe());
        assertTrue(cancel.output().contains("Successfully cancelled partition reassignment for: tool-1"),
                cancel.output());
        assertTrue(listAfter.output().contains("No partition reassignments found."), listAfter.describe());
    }

    private static Processes.Result tool(String bootstrap, Path adminConfig, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--bootstrap-server", bootstrap,
                "--command-config", adminConfig.toString()));
        all.addAll(List.of(args));
        return KafkaTools.run("org.apache.kafka.tools.reassign.ReassignPartitionsCommand", all, TIMEOUT);
    }
}
