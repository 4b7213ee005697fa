package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.skein.it.harness.ClusterAdmin;
import io.skein.it.harness.Clients;
import io.skein.it.harness.NetnsCluster;
import io.skein.it.harness.RawKafkaConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A partition leader cut off from its peers by the network while it keeps running and keeps
 * serving the test's clients (each node is its own {@code ip netns} host; see
 * {@link NetnsCluster}): acks=all writes sent to it are never acknowledged, since it reaches
 * neither its followers nor the controller; the majority fences it, elects a new leader and takes
 * acks=all writes; no consumer sees what the cut-off leader took alone; after healing, the old
 * leader learns the new epoch, truncates its divergent tail, catches up and rejoins the ISR, and
 * the partition holds exactly the acknowledged records whichever node leads it. And when the cut-off
 * node is the active controller, with short broker sessions, the new controller fences only it:
 * no healthy broker while the network is split, and none when the old controller's stale fences
 * arrive after the heal.
 *
 * <p>Skipped when this process may not create network namespaces (not root, no CAP_NET_ADMIN).
 */
class NetworkPartitionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final long SESSION_MS = 3000;
    private static final Pattern LEADER_LINE = Pattern.compile("Node (\\d+): metadata quorum leader is now node (-?\\d+)");
    private static NetnsCluster cluster;

    @BeforeAll
    static void startCluster() {
        String unavailable = NetnsCluster.whyNamespacesAreUnavailable();
        Assumptions.assumeTrue(unavailable == null, "skipped: network namespaces unavailable: " + unavailable);
        // Short sessions, so that a broker slow to find a new controller would be fenced: heartbeats
        // from voters go to the leader their own Raft server follows.
        cluster = NetnsCluster.start("netsplit", Map.of(
                "broker.session.timeout.ms", Long.toString(SESSION_MS),
                "broker.heartbeat.interval.ms", "500",
                "replica.lag.time.max.ms", "3000"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anIsolatedLeaderAcknowledgesNothingAndAfterHealingTruncatesWhatItTookAlone() throws Exception {
        String topic = "netsplit";
        TopicPartition tp = new TopicPartition(topic, 0);
        List<String> acknowledged = new ArrayList<>();
        int leader;
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            leader = ClusterAdmin.createReplicated(admin, topic, 1, 2, TIMEOUT).partitions().get(0).leader().id();
        }
        int[] majority = IntStream.rangeClosed(1, 3).filter(id -> id != leader).toArray();
        String majorityAddresses = cluster.bootstrap(majority);
        try (KafkaProducer<byte[], byte[]> producer = acksAllProducer(cluster.bootstrap())) {
            for (int i = 0; i < 5; i++) {
                send(producer, topic, "before-" + i);
                acknowledged.add("before-" + i);
            }
        }

        // Given the leader's connection and metadata are in place before the cut (and no retries: a
        // retry would follow fresh metadata to the new leader, which would rightly take the record),
        try (KafkaProducer<byte[], byte[]> lonely = Clients.producer(cluster.node(leader).bootstrap(), Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                ProducerConfig.RETRIES_CONFIG, "0",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "8000",
                ProducerConfig.LINGER_MS_CONFIG, "0"))) {
            lonely.partitionsFor(topic);

            // When the leader is cut off from both its peers,
            cluster.isolate(leader);
            List<Future<RecordMetadata>> lonelySends = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                lonelySends.add(lonely.send(new ProducerRecord<>(topic, 0, null, bytes("lonely-" + i))));
            }

            // Then the majority fences it and moves on without it. Clients made after both majority
            // nodes have dropped the fenced node from their metadata never learn its address; one
            // that did would still get the cut-off node's own (stale) view from it.
            for (int id : majority) {
                Clients.await("node " + id + " to report a leader other than the fenced node " + leader, TIMEOUT,
                        () -> {
                            MetadataResponseData seen = metadataSeenBy(id, topic);
                            return seen != null && seen.brokers().find(leader) == null
                                    && leaderIn(seen, topic) >= 0 && leaderIn(seen, topic) != leader;
                        });
            }
            try (KafkaProducer<byte[], byte[]> producer = acksAllProducer(majorityAddresses)) {
                for (int i = 0; i < 5; i++) {
                    send(producer, topic, "majority-" + i);
                    acknowledged.add("majority-" + i);
                }
            }
            // and the isolated leader acknowledged none of what it was sent.
            for (int i = 0; i < lonelySends.size(); i++) {
                try {
                    RecordMetadata taken = lonelySends.get(i).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    fail("the isolated leader " + leader + " acknowledged lonely-" + i + " at offset " + taken.offset());
                } catch (ExecutionException expected) {
                    // refused or timed out: either way never acknowledged
                }
            }
            assertEquals(acknowledged, values(readToEnd(majorityAddresses, tp)),
                    "a read_uncommitted consumer through the majority while node " + leader + " is cut off");
        } finally {
            cluster.heal(leader);
        }

        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            Clients.await("node " + leader + " back in the ISR", TIMEOUT,
                    () -> ClusterAdmin.isr(admin, topic).size() == 3);
            String truncation = "Truncated " + tp + " from log end 8 to 5";
            assertTrue(cluster.node(leader).logged(l -> l.contains(truncation)),
                    "node " + leader + " logged no '" + truncation + "...'; its output ends:\n"
                            + cluster.node(leader).outputTail());
            assertEquals(acknowledged, values(readToEnd(cluster.bootstrap(), tp)), "read through the new leader");

            int preferred = ClusterAdmin.partition(admin, topic, 0).replicas().get(0).id();
            // The controller may not have committed the ISR expansion this node's metadata already
            // shows (PREFERRED_LEADER_NOT_AVAILABLE until it has): ask again until it leads.
            Clients.await("node " + preferred + " leading again", TIMEOUT, () -> {
                TopicPartitionInfo p = partition0OrNull(admin, topic);
                if (p != null && p.leader() != null && p.leader().id() == preferred) {
                    return true;
                }
                electPreferred(admin, tp);
                return false;
            });
            assertEquals(acknowledged, values(readToEnd(cluster.node(preferred).bootstrap(), tp)),
                    "read through the preferred leader " + preferred + " (the isolated node was " + leader + ")");
        }
    }

    @Test
    void cuttingOffTheActiveControllerFencesOnlyItNeitherDuringTheSplitNorAfterTheHeal() throws Exception {
        Clients.await("all three nodes to follow one controller", TIMEOUT, () -> agreedController() > 0);
        int controller = agreedController();
        int[] others = IntStream.rangeClosed(1, 3).filter(id -> id != controller).toArray();
        long fencesBefore = fencesOf(others);

        cluster.isolate(controller);
        try {
            Clients.await("the majority to elect a controller other than node " + controller, TIMEOUT, () ->
                    IntStream.of(others).allMatch(id -> {
                        int seen = controllerSeenBy(id);
                        return seen > 0 && seen != controller;
                    }));
            int elected = controllerSeenBy(others[0]);
            Clients.await("node " + elected + " to fence the cut-off node " + controller, TIMEOUT, () ->
                    cluster.node(elected).outputLines().stream().anyMatch(l -> l.contains("Broker " + controller
                            + " fenced: no heartbeat")));
            // Two more sessions: a healthy broker still sending heartbeats to the silent old
            // controller would have been fenced by now.
            Thread.sleep(2 * SESSION_MS);
            assertEquals(fencesBefore, fencesOf(others), "healthy brokers fenced during the split:\n"
                    + fenceLines(others));
        } finally {
            cluster.heal(controller);
        }

        // After the heal the former controller follows the new one, and the fences it decided while
        // cut off (it heard none of the majority's heartbeats) are never committed.
        Clients.await("node " + controller + " to follow the new controller", TIMEOUT, () -> {
            int seen = controllerSeenBy(controller);
            return seen > 0 && seen != controller;
        });
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            Clients.await("node " + controller + " registered and serving again", TIMEOUT,
                    () -> registeredBrokers(admin).contains(controller));
        }
        Thread.sleep(2 * SESSION_MS);
        assertEquals(fencesBefore, fencesOf(others), "healthy brokers fenced after the heal:\n" + fenceLines(others));
    }

    /** The controller all three nodes last logged as their quorum leader, or -1 while they disagree. */
    private static int agreedController() {
        int first = controllerSeenBy(1);
        return controllerSeenBy(2) == first && controllerSeenBy(3) == first ? first : -1;
    }

    /** The quorum leader node {@code id} last logged, or -1. */
    private static int controllerSeenBy(int id) {
        int leader = -1;
        for (String line : cluster.node(id).outputLines()) {
            Matcher m = LEADER_LINE.matcher(line);
            if (m.find() && Integer.parseInt(m.group(1)) == id) {
                leader = Integer.parseInt(m.group(2));
            }
        }
        return leader;
    }

    private static Set<Integer> registeredBrokers(Admin admin) {
        try {
            return ClusterAdmin.brokerIds(admin);
        } catch (Exception e) {
            return Set.of();
        }
    }

    /** Lines, on any node, saying one of {@code brokers} was fenced for a missed session. */
    private static List<String> fenceLines(int... brokers) {
        List<String> lines = new ArrayList<>();
        for (int node = 1; node <= 3; node++) {
            for (String line : cluster.node(node).outputLines()) {
                for (int broker : brokers) {
                    if (line.contains("Broker " + broker + " fenced: no heartbeat")) {
                        lines.add("node " + node + ": " + line);
                    }
                }
            }
        }
        return lines;
    }

    private static long fencesOf(int... brokers) {
        return fenceLines(brokers).size();
    }

    private static KafkaProducer<byte[], byte[]> acksAllProducer(String bootstrap) {
        return Clients.producer(bootstrap, Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"));
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, null, bytes(value))).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Node {@code id}'s own answer to a Metadata request for the topic, or null if it gave none. */
    private static MetadataResponseData metadataSeenBy(int id, String topic) {
        String[] hostPort = cluster.node(id).bootstrap().split(":");
        try (RawKafkaConnection c = RawKafkaConnection.open(hostPort[0], Integer.parseInt(hostPort[1]),
                Duration.ofSeconds(5))) {
            MetadataRequestData request = new MetadataRequestData().setAllowAutoTopicCreation(false)
                    .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(topic)));
            return (MetadataResponseData) c.call(ApiKeys.METADATA, (short) 12, request);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The leader of partition 0 in the response, or -1. */
    private static int leaderIn(MetadataResponseData response, String topic) {
        MetadataResponseData.MetadataResponseTopic t = response.topics().find(topic);
        if (t == null || t.errorCode() != 0 || t.partitions().isEmpty()) {
            return -1;
        }
        return t.partitions().get(0).leaderId();
    }

    /** One preferred election for {@code tp}; refusals (not needed, preferred replica not ready) are left to the caller's retry. */
    private static void electPreferred(Admin admin, TopicPartition tp) {
        try {
            admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // answered by checking the leader again
        }
    }

    private static TopicPartitionInfo partition0OrNull(Admin admin, String topic) {
        try {
            return ClusterAdmin.partition(admin, topic, 0);
        } catch (Exception e) {
            return null;
        }
    }

    /** Reads the partition, read_uncommitted, from its beginning to the end offset it has at the call. */
    private static List<ConsumerRecord<byte[], byte[]>> readToEnd(String bootstrap, TopicPartition tp) {
        List<ConsumerRecord<byte[], byte[]>> out = Clients.readToEnd(bootstrap, List.of(tp),
                Map.of("isolation.level", "read_uncommitted"), TIMEOUT);
        for (int i = 0; i < out.size(); i++) {
            assertEquals(i, out.get(i).offset(), "offsets of the records read through " + bootstrap);
        }
        return out;
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
