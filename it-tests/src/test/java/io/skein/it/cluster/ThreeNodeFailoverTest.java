package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.ClusterAdmin;
import io.skein.it.harness.Clients;
import io.skein.it.harness.KafkaTools;
import io.skein.it.harness.Processes;
import io.skein.it.harness.ThreeNodeCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The control plane of a three-node cluster under faults: a broker killed with -9 is fenced after
 * its session timeout and its leaderships move to other in-sync replicas; it is unfenced when it
 * comes back; a clean stop moves leaderships first (controlled shutdown); killing the active
 * controller leaves topic creation working; a restarted node loads a metadata snapshot and
 * replays only the tail; Kafka's kafka-metadata-quorum and kafka-topics tools show voters, leaders
 * and ISRs. Every test leaves all three nodes running.
 *
 * <p>Only the metadata is checked here; that the data moves with the leadership (followers copy
 * their leaders, acknowledged records survive a killed leader) is {@link ThreeNodeReplicationTest}'s.
 */
class ThreeNodeFailoverTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int SESSION_TIMEOUT_MS = 3000;
    private static ThreeNodeCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = ThreeNodeCluster.start("failover", Map.of(
                "broker.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS),
                "broker.heartbeat.interval.ms", "500",
                "metadata.snapshot.trigger.entries", "20"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int quorumLeader(Admin admin) throws Exception {
        return admin.describeMetadataQuorum().quorumInfo().get().leaderId();
    }

    /** A node that does not lead the metadata quorum. */
    private static int notTheController() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            return quorumLeader(admin) == 1 ? 2 : 1;
        }
    }

    private static String survivors(int excluded) {
        return cluster.node(excluded == 1 ? 2 : 1).bootstrap() + "," + cluster.node(excluded == 3 ? 2 : 3).bootstrap();
    }

    private static boolean ledElsewhere(Admin admin, String topic, int broker) {
        try {
            for (TopicPartitionInfo p : ClusterAdmin.describe(admin, topic).partitions()) {
                if (p.leader() == null || p.leader().isEmpty() || p.leader().id() == broker
                        || p.isr().stream().anyMatch(n -> n.id() == broker)) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static int[] outputSizes() {
        int[] sizes = new int[4];
        for (int id = 1; id <= 3; id++) {
            sizes[id] = cluster.node(id).outputLines().size();
        }
        return sizes;
    }

    /**
     * The silence the active controller measured when it fenced {@code broker}, from its log line
     * printed after the output sizes {@code since}.
     */
    private static long fencingSilenceMs(int broker, int[] since) {
        String marker = "Broker " + broker + " fenced: no heartbeat for ";
        for (int id = 1; id <= 3; id++) {
            List<String> lines = cluster.node(id).outputLines();
            for (String line : lines.subList(Math.min(since[id], lines.size()), lines.size())) {
                int at = line.lastIndexOf(marker);
                if (at >= 0) {
                    String rest = line.substring(at + marker.length());
                    return Long.parseLong(rest.substring(0, rest.indexOf(' ')));
                }
            }
        }
        throw new AssertionError("no controller logged the fencing of broker " + broker);
    }

    @BeforeEach
    void allThreeNodesServe() {
        cluster.awaitAllServing(TIMEOUT);
    }

    private static void createTopic(Admin admin, String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 3))).all().get();
        Clients.awaitTopic(admin, name, partitions, TIMEOUT);
    }

    @Test
    void killedBrokerIsFencedAndItsLeadershipsMoveThenItIsUnfencedOnRestart() throws Exception {
        int victim = notTheController();
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            createTopic(admin, "fence-me", 6);
        }

        int[] before = outputSizes();
        cluster.kill(victim);

        try (Admin admin = Clients.admin(survivors(victim))) {
            Clients.await("broker " + victim + " fenced and out of Metadata", TIMEOUT, () -> {
                try {
                    return !ClusterAdmin.brokerIds(admin).contains(victim);
                } catch (Exception e) {
                    return false;
                }
            });
            Clients.await("leaders of fence-me moved off broker " + victim, TIMEOUT,
                    () -> ledElsewhere(admin, "fence-me", victim));
            for (TopicPartitionInfo p : ClusterAdmin.describe(admin, "fence-me").partitions()) {
                assertEquals(3, p.replicas().size(), "replicas stay assigned");
            }
        }
        // The session runs from the broker's last heartbeat, which may precede the kill by a
        // heartbeat interval or more on a loaded machine: the controller's own measure of the
        // silence is what must reach the session timeout.
        Clients.await("the active controller logs the fencing", TIMEOUT, () -> {
            try {
                fencingSilenceMs(victim, before);
                return true;
            } catch (AssertionError notYet) {
                return false;
            }
        });
        long silentMs = fencingSilenceMs(victim, before);
        assertTrue(silentMs >= SESSION_TIMEOUT_MS, "fenced after only " + silentMs + " ms without a heartbeat");

        cluster.restart(victim);

        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            Clients.await("broker " + victim + " back in Metadata", TIMEOUT, () -> {
                try {
                    return ClusterAdmin.brokerIds(admin).equals(Set.of(1, 2, 3));
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @Test
    void cleanStopMovesLeadershipsBeforeTheBrokerGoes() throws Exception {
        int victim = notTheController();
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            createTopic(admin, "controlled", 6);
        }

        int exit = cluster.node(victim).stop();

        assertEquals(0, exit);
        assertTrue(cluster.node(victim).logged(l -> l.contains("Controlled shutdown of broker "
                + victim + ": fenced, leaders moved for")), cluster.node(victim).outputTail());
        try (Admin admin = Clients.admin(survivors(victim))) {
            assertTrue(!ClusterAdmin.brokerIds(admin).contains(victim),
                    "fenced at once, without waiting for the session");
            assertTrue(ledElsewhere(admin, "controlled", victim), ClusterAdmin.describe(admin, "controlled").toString());
        }
        cluster.restart(victim);
    }

    @Test
    void topicCreationKeepsWorkingAfterTheActiveControllerIsKilled() throws Exception {
        int controller;
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            controller = quorumLeader(admin);
        }

        cluster.kill(controller);
        long killed = System.nanoTime();

        try (Admin admin = Clients.admin(survivors(controller))) {
            admin.createTopics(List.of(new NewTopic("after-controller-death", 3, (short) 1))).all().get();
            long tookMs = (System.nanoTime() - killed) / 1_000_000;
            assertTrue(tookMs < 15_000, "topic created " + tookMs + " ms after the controller died");
            assertNotEquals(controller, quorumLeader(admin));
        }
        cluster.restart(controller);
    }

    /**
     * A long GC pause, a suspended VM or SIGSTOP: Ratis by default shuts a server down for good
     * after a JVM pause of over a minute, which would leave the node's broker running without its
     * quorum member. The frozen controller must instead come back as a follower and catch up.
     */
    @Test
    void aControllerFrozenForOverAMinuteRejoinsTheQuorum() throws Exception {
        int frozen;
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            frozen = quorumLeader(admin);
        }
        Signals.send(cluster.node(frozen), "STOP");
        try {
            Thread.sleep(65_000);
        } finally {
            Signals.send(cluster.node(frozen), "CONT");
        }

        cluster.awaitAllServing(TIMEOUT); // its broker was fenced meanwhile; its next heartbeat unfences it
        try (Admin admin = Clients.admin(survivors(frozen))) {
            createTopic(admin, "after-the-freeze", 1);
            Clients.await("node " + frozen + " to replicate the metadata log up to the leader's end again", TIMEOUT,
                    () -> {
                        try {
                            QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get();
                            long leaderEnd = quorum.voters().stream().filter(v -> v.replicaId() == quorum.leaderId())
                                    .findFirst().orElseThrow().logEndOffset();
                            return quorum.voters().stream().anyMatch(v -> v.replicaId() == frozen
                                    && v.logEndOffset() == leaderEnd);
                        } catch (Exception e) {
                            return false;
                        }
                    });
        }
        assertTrue(cluster.node(frozen).outputLines().stream().noneMatch(l -> l.contains("close-threshold")),
                "node " + frozen + " shut its Raft server down after the pause:\n" + cluster.node(frozen).outputTail());
        try (Admin admin = Clients.admin(cluster.node(frozen).bootstrap())) {
            Clients.awaitTopic(admin, "after-the-freeze", 1, TIMEOUT);
        }
    }

    @Test
    void restartedNodeLoadsASnapshotAndReplaysOnlyTheTail() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            for (int i = 0; i < 45; i++) {
                admin.createTopics(List.of(new NewTopic("snap-" + i, 1, (short) 1))).all().get();
            }
        }
        int node = notTheController();
        int linesBefore = cluster.node(node).outputLines().size();

        cluster.node(node).stop();
        cluster.restart(node);

        List<String> run = cluster.node(node).outputLines();
        List<String> secondRun = run.subList(linesBefore, run.size());
        String loaded = secondRun.stream().filter(l -> l.contains("loaded the metadata snapshot at log index"))
                .findFirst().orElseThrow(() -> new AssertionError("no snapshot loaded:\n" + String.join("\n", secondRun)));
        String replayed = secondRun.stream().filter(l -> l.contains("entries replayed since start after the snapshot"))
                .findFirst().orElseThrow(() -> new AssertionError("no replay line:\n" + String.join("\n", secondRun)));
        long entries = Long.parseLong(replayed.replaceAll(".*: (\\d+) entries replayed.*", "$1"));
        assertTrue(entries < 45, "replayed " + entries + " entries; " + loaded);
        try (Admin admin = Clients.admin(cluster.node(node).bootstrap())) {
            Set<String> names = admin.listTopics().names().get();
            for (int i = 0; i < 45; i++) {
                assertTrue(names.contains("snap-" + i), "snap-" + i + " after the restart");
            }
        }
    }

    @Test
    void kafkaMetadataQuorumToolShowsThreeVotersAndALeader() throws Exception {
        Processes.Result r = KafkaTools.run("org.apache.kafka.tools.MetadataQuorumCommand",
                List.of("--bootstrap-server", cluster.node(3).bootstrap(), "describe", "--status"), TIMEOUT);

        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.output().matches("(?s).*LeaderId:\\s+[123].*"), r.output());
        String voters = r.output().replaceAll("(?s).*CurrentVoters:\\s*(\\[[^\\n]*\\]).*", "$1");
        assertTrue(voters.contains("\"id\": 1") || voters.contains("\"id\":1"), r.output());
        assertTrue((voters.contains("\"id\": 2") || voters.contains("\"id\":2"))
                && (voters.contains("\"id\": 3") || voters.contains("\"id\":3")), r.output());
    }

    @Test
    void kafkaTopicsToolShowsLeadersReplicasAndIsr() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            createTopic(admin, "described", 3);
        }

        Processes.Result r = KafkaTools.run("org.apache.kafka.tools.TopicCommand",
                List.of("--bootstrap-server", cluster.node(1).bootstrap(), "--describe", "--topic", "described"),
                TIMEOUT);

        assertEquals(0, r.exitCode(), r.describe());
        long partitionLines = r.output().lines().filter(l -> l.contains("Partition:") && l.contains("Leader:")
                && l.matches(".*Replicas: [123],[123],[123].*") && l.matches(".*Isr: [123],[123],[123].*")).count();
        assertEquals(3, partitionLines, r.output());
    }
}
