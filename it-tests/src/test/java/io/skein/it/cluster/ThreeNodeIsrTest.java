package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.ClusterAdmin;
import io.skein.it.harness.Clients;
import io.skein.it.harness.ThreeNodeCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ISR under a follower that stops answering without dying (SIGSTOP, so its controller session
 * outlives the test and only the leader's lag check can act): records the leader took with acks=1
 * stay invisible to consumers while the stopped follower holds the high watermark back; an
 * acks=all write waits; after {@code replica.lag.time.max.ms} the leader drops the follower from
 * the ISR (AlterPartition), the high watermark moves and the waiting write is acknowledged; once
 * the follower runs again it catches up and the leader takes it back into the ISR.
 */
class ThreeNodeIsrTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final long LAG_MS = 4000;
    /** For clients that may pick the stopped node for a metadata request: they give up on it quickly. */
    private static final Map<String, String> QUICK = Map.of("request.timeout.ms", "3000",
            "default.api.timeout.ms", "60000");
    private static ThreeNodeCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = ThreeNodeCluster.start("isr", Map.of(
                "broker.session.timeout.ms", "120000",
                "broker.heartbeat.interval.ms", "500",
                "replica.lag.time.max.ms", Long.toString(LAG_MS)));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            for (int id = 1; id <= 3; id++) {
                signal(id, "CONT");
            }
            cluster.close();
        }
    }

    private static void signal(int node, String signal) {
        Signals.send(cluster.node(node), signal);
    }

    private record LeaderAndFollower(int leader, int follower) {
    }

    /**
     * Creates a one-partition topic, RF 3, with this {@code min.insync.replicas}, every replica in
     * sync; returns its leader and one of its followers.
     */
    private static LeaderAndFollower createTopic(String topic, int minInsync) throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            TopicPartitionInfo p = ClusterAdmin.createReplicated(admin, topic, 1, minInsync, TIMEOUT)
                    .partitions().get(0);
            int leader = p.leader().id();
            return new LeaderAndFollower(leader,
                    p.replicas().stream().map(Node::id).filter(id -> id != leader).findFirst().orElseThrow());
        }
    }

    private static long highWatermark(Admin admin, TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
    }

    /** Reads the partition from its beginning to its end offset (the high watermark) at the call. */
    private static List<ConsumerRecord<byte[], byte[]>> readToEnd(String bootstrap, TopicPartition tp,
                                                                Map<String, String> overrides) {
        return Clients.readToEnd(bootstrap, List.of(tp), overrides, TIMEOUT);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aStalledFollowerHoldsTheHighWatermarkUntilTheLeaderDropsItThenRejoinsWhenItCatchesUp() throws Exception {
        String topic = "stalled";
        TopicPartition tp = new TopicPartition(topic, 0);
        LeaderAndFollower replicas = createTopic(topic, 2);
        int leader = replicas.leader();
        int stalled = replicas.follower();
        String leaderAddress = cluster.node(leader).bootstrap();
        // Both producers send before the stop so they have their metadata and connections already.
        try (KafkaProducer<byte[], byte[]> all = Clients.producer(leaderAddress, Map.of(
                     ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"));
             KafkaProducer<byte[], byte[]> one = Clients.producer(leaderAddress, Map.of(
                     ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"));
             Admin admin = Clients.admin(leaderAddress, QUICK)) {
            for (int i = 0; i < 10; i++) {
                (i % 2 == 0 ? all : one).send(new ProducerRecord<>(topic, 0, null, bytes("before-" + i))).get();
            }
            Clients.await("high watermark 10", TIMEOUT, () -> {
                try {
                    return highWatermark(admin, tp) == 10;
                } catch (Exception e) {
                    return false;
                }
            });

            signal(stalled, "STOP");
            try {
                long stoppedAt = System.nanoTime();
                for (int i = 0; i < 5; i++) {
                    one.send(new ProducerRecord<>(topic, 0, null, bytes("one-" + i))).get();
                }
                Future<RecordMetadata> waiting = all.send(new ProducerRecord<>(topic, 0, null, bytes("waits")));

                long hwWhileStalled = highWatermark(admin, tp);
                List<ConsumerRecord<byte[], byte[]>> visible = readToEnd(leaderAddress, tp, QUICK);
                long elapsedMs = (System.nanoTime() - stoppedAt) / 1_000_000;
                if (elapsedMs < LAG_MS) { // the leader cannot have dropped the follower yet: nothing past 10 shows
                    assertEquals(10, hwWhileStalled, "high watermark " + elapsedMs + " ms after the follower stalled");
                    assertEquals(10, visible.size(), "consumers read only up to the high watermark");
                }

                RecordMetadata acked = waiting.get();
                long ackedAfterMs = (System.nanoTime() - stoppedAt) / 1_000_000;
                assertEquals(15, acked.offset());
                assertTrue(ackedAfterMs >= LAG_MS - 500, "acks=all answered after " + ackedAfterMs
                        + " ms, before the stalled follower could have been dropped");
                assertTrue(ackedAfterMs < 5 * LAG_MS, "acks=all answered only after " + ackedAfterMs
                        + " ms: the lag check (every half replica.lag.time.max.ms) was held up");
                Set<Integer> rest = Set.of(1, 2, 3).stream().filter(id -> id != stalled).collect(Collectors.toSet());
                Clients.await("the stalled follower out of the ISR " + rest, TIMEOUT,
                        () -> ClusterAdmin.isr(admin, topic).equals(rest));
                Clients.await("high watermark 16", TIMEOUT, () -> {
                    try {
                        return highWatermark(admin, tp) == 16;
                    } catch (Exception e) {
                        return false;
                    }
                });
            } finally {
                signal(stalled, "CONT");
            }
            Clients.await("broker " + stalled + " back in the ISR", TIMEOUT,
                    () -> ClusterAdmin.isr(admin, topic).size() == 3);
        }
        List<ConsumerRecord<byte[], byte[]>> read = readToEnd(leaderAddress, tp, Map.of());
        assertEquals(16, read.size());
        assertEquals("waits", new String(read.get(15).value(), StandardCharsets.UTF_8));
    }

    @Test
    void anAcksAllWriteWhoseIsrShrinksBelowMinInSyncReplicasWhileWaitingGetsNotEnoughReplicasAfterAppend()
            throws Exception {
        String topic = "after-append";
        LeaderAndFollower replicas = createTopic(topic, 3);
        int leader = replicas.leader();
        int stalled = replicas.follower();
        String leaderAddress = cluster.node(leader).bootstrap();
        try (KafkaProducer<byte[], byte[]> all = Clients.producer(leaderAddress, Map.of(
                     ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                     ProducerConfig.RETRIES_CONFIG, "0", ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000"));
             Admin admin = Clients.admin(leaderAddress, QUICK)) {
            all.send(new ProducerRecord<>(topic, 0, null, bytes("warm-up"))).get();

            signal(stalled, "STOP");
            java.util.concurrent.ExecutionException failed;
            try {
                failed = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> all.send(new ProducerRecord<>(topic, 0, null, bytes("appended"))).get());
            } finally {
                signal(stalled, "CONT");
            }
            org.junit.jupiter.api.Assertions.assertInstanceOf(
                    org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException.class, failed.getCause(),
                    failed.toString());
            Clients.await("broker " + stalled + " back in the ISR", TIMEOUT,
                    () -> ClusterAdmin.isr(admin, topic).size() == 3);
        }
    }
}
