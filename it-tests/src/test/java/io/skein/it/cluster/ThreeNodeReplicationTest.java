package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.ClusterAdmin;
import io.skein.it.harness.Clients;
import io.skein.it.harness.ThreeNodeCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data plane of a three-node cluster: followers copy their leaders, the high watermark moves
 * as the ISR confirms, acks=all waits for the ISR and is refused below {@code min.insync.replicas},
 * and a killed leader loses no acknowledged record. Every test leaves all three nodes running.
 */
class ThreeNodeReplicationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static ThreeNodeCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = ThreeNodeCluster.start("replication", Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "500",
                "replica.lag.time.max.ms", "10000"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void allThreeNodesServe() {
        cluster.awaitAllServing(TIMEOUT);
    }

    /** Creates a one-partition topic, RF 3, {@code min.insync.replicas=2}, fully in sync; returns its leader. */
    private static int createTopic(String name) throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            return ClusterAdmin.createReplicated(admin, name, 1, 2, TIMEOUT).partitions().get(0).leader().id();
        }
    }

    private static TopicPartitionInfo partition0(Admin admin, String topic) throws Exception {
        return ClusterAdmin.partition(admin, topic, 0);
    }

    private static byte[] value(int i) {
        byte[] v = ("record-" + i + "-").repeat(1 + i % 7).getBytes(StandardCharsets.UTF_8);
        v[0] = (byte) i; // not only text
        return v;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        return Clients.readToEnd(bootstrap, List.of(new TopicPartition(topic, 0)), TIMEOUT);
    }

    @Test
    void acknowledgedRecordsSurviveAKilledLeaderExactlyOnceInOrderAndTheLeaderRejoinsTheIsr() throws Exception {
        String topic = "replicated";
        int leader = createTopic(topic);
        int total = 3000;
        int killAt = 1200;
        List<Integer> acked = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrap(), Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000"))) {
            List<Future<RecordMetadata>> inFlight = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                if (i == killAt) {
                    cluster.kill(leader); // mid-stream: earlier records may be in flight, later ones queue
                }
                inFlight.add(producer.send(new ProducerRecord<>(topic, 0, Integer.toString(i).getBytes(
                        StandardCharsets.UTF_8), value(i))));
                if (inFlight.size() == 100) {
                    collect(inFlight, acked);
                }
            }
            producer.flush();
            collect(inFlight, acked);
        }
        assertEquals(total, acked.size(), "every record acknowledged after the failover");

        String survivors = cluster.bootstrap();
        List<ConsumerRecord<byte[], byte[]>> read = readAll(survivors, topic);
        assertEquals(acked.size(), read.size(), "each acknowledged record exactly once");
        for (int i = 0; i < read.size(); i++) {
            ConsumerRecord<byte[], byte[]> r = read.get(i);
            int expected = acked.get(i);
            assertEquals(Integer.toString(expected), new String(r.key(), StandardCharsets.UTF_8), "order at " + i);
            assertArrayEquals(value(expected), r.value(), "bytes of record " + expected);
            assertEquals(i, r.offset());
        }

        try (Admin admin = Clients.admin(survivors)) {
            assertNotEquals(leader, partition0(admin, topic).leader().id(), "a new leader took over");
        }
        cluster.restart(leader);
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            Clients.await("broker " + leader + " back in the ISR of " + topic, TIMEOUT,
                    () -> ClusterAdmin.isr(admin, topic).contains(leader));
            assertEquals(3, partition0(admin, topic).isr().size(), "the ISR is full again");
        }
    }

    private static void collect(List<Future<RecordMetadata>> inFlight, List<Integer> acked) throws Exception {
        for (Future<RecordMetadata> f : inFlight) {
            RecordMetadata m = f.get();
            acked.add((int) m.offset()); // offsets are the indexes: one producer, one partition, no gaps
        }
        inFlight.clear();
    }

    @Test
    void acksAllIsRefusedWithNotEnoughReplicasWhenTwoOfThreeBrokersAreDown() throws Exception {
        String topic = "under-min-isr";
        int leader = createTopic(topic);
        Map<String, String> settings = Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false", // no producer id: the quorum will be gone
                ProducerConfig.RETRIES_CONFIG, "3",
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.node(leader).bootstrap(), settings)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, value(i))).get();
            }
            List<Integer> others = new ArrayList<>(List.of(1, 2, 3));
            others.remove(Integer.valueOf(leader));
            for (int id : others) {
                assertEquals(0, cluster.node(id).stop(), "clean stop of broker " + id); // leaves the ISRs
            }
            try (Admin admin = quickAdmin(cluster.node(leader).bootstrap())) {
                Clients.await("the leader's metadata shows itself as the only in-sync replica", TIMEOUT, () -> {
                    try {
                        return partition0(admin, topic).isr().stream().map(Node::id).toList().equals(List.of(leader));
                    } catch (Exception e) {
                        return false;
                    }
                });
            }

            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(topic, 0, null, value(99))).get());
            assertInstanceOf(NotEnoughReplicasException.class, refused.getCause(), refused.toString());
        }

        List<ConsumerRecord<byte[], byte[]>> read = readAll(cluster.node(leader).bootstrap(), topic);
        assertEquals(10, read.size(), "the refused record was never appended, nothing past the high watermark");
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(value(i), read.get(i).value());
        }
        assertTrue(cluster.node(leader).isAlive());
    }

    private static Admin quickAdmin(String bootstrap) {
        return Clients.admin(bootstrap, Map.of("request.timeout.ms", "3000", "default.api.timeout.ms", "60000"));
    }

    /**
     * The followers freeze (SIGSTOP), the leader takes acks=1 records no follower gets and is killed;
     * a follower leads the next epoch. The old leader, restarted with that stale tail, truncates it
     * (diverging epoch), catches up and rejoins the ISR; no consumer ever saw the stale records.
     */
    @Test
    void aRestartedLeaderTruncatesRecordsOnlyItHadAndRejoinsTheIsr() throws Exception {
        String topic = "stale-tail";
        int leader = createTopic(topic);
        List<Integer> followers = new ArrayList<>(List.of(1, 2, 3));
        followers.remove(Integer.valueOf(leader));
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> one = Clients.producer(cluster.node(leader).bootstrap(), Map.of(
                     ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                     ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000"));
             Admin admin = quickAdmin(cluster.node(leader).bootstrap())) {
            for (int i = 0; i < 10; i++) {
                one.send(new ProducerRecord<>(topic, 0, null, value(i))).get();
            }
            Clients.await("high watermark 10 on the leader", TIMEOUT, () -> {
                try {
                    return admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                            .partitionResult(tp).get().offset() == 10;
                } catch (Exception e) {
                    return false;
                }
            });
            followers.forEach(id -> Signals.send(cluster.node(id), "STOP"));
            try {
                for (int i = 0; i < 5; i++) {
                    one.send(new ProducerRecord<>(topic, 0, null, "stale".getBytes(StandardCharsets.UTF_8))).get();
                }
                cluster.kill(leader);
            } finally {
                followers.forEach(id -> Signals.send(cluster.node(id), "CONT"));
            }
        }
        String survivors = cluster.node(followers.get(0)).bootstrap() + "," + cluster.node(followers.get(1)).bootstrap();
        try (Admin admin = Clients.admin(survivors)) {
            Clients.await("a follower leads " + topic, TIMEOUT, () -> {
                try {
                    TopicPartitionInfo p = partition0(admin, topic);
                    return p.leader() != null && followers.contains(p.leader().id());
                } catch (Exception e) {
                    return false;
                }
            });
        }
        try (KafkaProducer<byte[], byte[]> all = Clients.producer(survivors, Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 10; i < 13; i++) {
                all.send(new ProducerRecord<>(topic, 0, null, value(i))).get();
            }
        }

        int linesBefore = cluster.node(leader).outputLines().size();
        cluster.restart(leader);

        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            Clients.await("broker " + leader + " back in the ISR of " + topic, TIMEOUT,
                    () -> ClusterAdmin.isr(admin, topic).contains(leader));
        }
        // A follower may have fetched the first stale records just before it froze and appended them
        // after it thawed: those survive (never acknowledged to anyone but harmless); the rest is cut.
        List<String> lines = cluster.node(leader).outputLines();
        String marker = "Truncated " + topic + "-0 from log end 15 to ";
        String truncation = lines.subList(linesBefore, lines.size()).stream().filter(l -> l.contains(marker))
                .findFirst().orElseThrow(() -> new AssertionError("no truncation:\n" + cluster.node(leader).outputTail()));
        String rest = truncation.substring(truncation.indexOf(marker) + marker.length());
        int kept = Integer.parseInt(rest.substring(0, rest.indexOf(':'))) - 10;
        assertTrue(kept >= 0 && kept < 5, truncation);
        List<ConsumerRecord<byte[], byte[]>> read = readAll(cluster.bootstrap(), topic);
        assertEquals(13 + kept, read.size());
        for (int i = 0; i < read.size(); i++) {
            byte[] expected = i < 10 ? value(i) : i < 10 + kept ? "stale".getBytes(StandardCharsets.UTF_8)
                    : value(i - kept);
            assertArrayEquals(expected, read.get(i).value(), "record at offset " + i);
        }
    }
}
