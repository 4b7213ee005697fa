package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.ThreeNodeCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three combined nodes form one metadata quorum: every node lists all three brokers, replicas of
 * new topics are spread over all of them, and records produced through any bootstrap node reach
 * the leader (clients follow NOT_LEADER_OR_FOLLOWER and the metadata).
 */
class ThreeNodeQuorumTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static ThreeNodeCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = ThreeNodeCluster.start("quorum");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyNodeListsThreeBrokersWithTheirOwnAddresses() throws Exception {
        for (int id = 1; id <= 3; id++) {
            try (Admin admin = Clients.admin(cluster.node(id).bootstrap())) {
                Set<String> addresses = admin.describeCluster().nodes().get().stream()
                        .map(n -> n.id() + "@" + n.host() + ":" + n.port()).collect(Collectors.toSet());

                assertEquals(Set.of("1@" + cluster.node(1).bootstrap(), "2@" + cluster.node(2).bootstrap(),
                        "3@" + cluster.node(3).bootstrap()), addresses, "brokers seen through node " + id);
            }
        }
    }

    @Test
    void topicWithReplicationFactorThreeHasReplicasOnEveryNodeAndSpreadLeaders() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("rf3", 6, (short) 3))).all().get();

            TopicDescription topic = Clients.awaitTopic(admin, "rf3", 6, TIMEOUT);

            Set<Integer> leaders = new HashSet<>();
            for (TopicPartitionInfo p : topic.partitions()) {
                assertEquals(Set.of(1, 2, 3), p.replicas().stream().map(Node::id).collect(Collectors.toSet()));
                assertEquals(3, p.isr().size());
                leaders.add(p.leader().id());
            }
            assertEquals(Set.of(1, 2, 3), leaders, "leaders of six partitions over three brokers");
        }
    }

    @Test
    void replicationFactorAboveTheBrokerCountIsRefused() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            var result = admin.createTopics(List.of(new NewTopic("rf4", 1, (short) 4))).all();

            var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                    result::get);
            assertTrue(e.getCause() instanceof org.apache.kafka.common.errors.InvalidReplicationFactorException,
                    e.getCause().toString());
        }
    }

    @Test
    void recordsProducedThroughEachBootstrapNodeAreConsumedThroughAnother() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("rf1", 3, (short) 1))).all().get();
            Clients.awaitTopic(admin, "rf1", 3, TIMEOUT);
        }
        for (int id = 1; id <= 3; id++) {
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.node(id).bootstrap())) {
                for (int p = 0; p < 3; p++) {
                    producer.send(new ProducerRecord<>("rf1", p, null,
                            ("via-" + id + "-p" + p).getBytes(StandardCharsets.UTF_8))).get();
                }
            }
        }

        List<TopicPartition> partitions = List.of(new TopicPartition("rf1", 0), new TopicPartition("rf1", 1),
                new TopicPartition("rf1", 2));
        List<ConsumerRecord<byte[], byte[]>> read = Clients.readToEnd(cluster.node(2).bootstrap(), partitions, TIMEOUT);

        Set<String> values = read.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
        assertEquals(9, values.size(), "records read: " + values);
        assertTrue(values.contains("via-3-p0") && values.contains("via-1-p2"), values.toString());
    }

    @Test
    void aNonLeaderAnswersProduceWithNotLeaderAndTheLeadersAddress() throws Exception {
        int leader;
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("hinted", 1, (short) 1))).all().get();
            leader = Clients.awaitTopic(admin, "hinted", 1, TIMEOUT).partitions().get(0).leader().id();
        }
        int other = leader == 1 ? 2 : 1;
        org.apache.kafka.common.message.ProduceRequestData request = new org.apache.kafka.common.message.ProduceRequestData()
                .setAcks((short) 1).setTimeoutMs(5000);
        org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection topics =
                new org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection();
        topics.add(new org.apache.kafka.common.message.ProduceRequestData.TopicProduceData().setName("hinted")
                .setPartitionData(List.of(new org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData()
                        .setIndex(0).setRecords(org.apache.kafka.common.record.internal.MemoryRecords.withRecords(
                                org.apache.kafka.common.compress.Compression.NONE,
                                new org.apache.kafka.common.record.internal.SimpleRecord("v".getBytes(StandardCharsets.UTF_8)))))));
        request.setTopicData(topics);

        org.apache.kafka.common.message.ProduceResponseData response;
        try (io.skein.it.harness.RawKafkaConnection c = io.skein.it.harness.RawKafkaConnection.open("127.0.0.1",
                cluster.node(other).clientPort(), TIMEOUT)) {
            response = (org.apache.kafka.common.message.ProduceResponseData) c.call(
                    org.apache.kafka.common.protocol.ApiKeys.PRODUCE, (short) 11, request);
        }

        var partition = response.responses().iterator().next().partitionResponses().get(0);
        assertEquals(org.apache.kafka.common.protocol.Errors.NOT_LEADER_OR_FOLLOWER.code(), partition.errorCode());
        assertEquals(leader, partition.currentLeader().leaderId());
        var endpoint = response.nodeEndpoints().find(leader);
        assertEquals(cluster.node(leader).bootstrap(), endpoint.host() + ":" + endpoint.port());
    }

    @Test
    void aBrokerOnlyNodeJoinsServesItsPartitionsAndIsListed() throws Exception {
        io.skein.it.harness.SkeinNode broker = cluster.addBrokerOnlyNode(4);
        try {
            brokerOnlyNodeServes(broker);
        } finally {
            // a clean stop fences it at once, so the other tests of this cluster see three brokers
            assertEquals(0, broker.stop(), broker.outputTail());
        }
    }

    private void brokerOnlyNodeServes(io.skein.it.harness.SkeinNode broker) throws Exception {
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            Clients.await("four brokers in Metadata", TIMEOUT, () -> {
                try {
                    return admin.describeCluster().nodes().get().size() == 4;
                } catch (Exception e) {
                    return false;
                }
            });
            admin.createTopics(List.of(new NewTopic("only-on-4", Map.of(0, List.of(4))))).all().get();
            Clients.awaitTopic(admin, "only-on-4", 1, TIMEOUT);
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            producer.send(new ProducerRecord<>("only-on-4", 0, null, "hello".getBytes(StandardCharsets.UTF_8))).get();
        }

        List<ConsumerRecord<byte[], byte[]>> read = Clients.readToEnd(cluster.node(1).bootstrap(),
                List.of(new TopicPartition("only-on-4", 0)), TIMEOUT);

        assertEquals(List.of("hello"), read.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
        assertTrue(broker.logged(l -> l.contains("broker-only node following")),
                broker.outputTail());
    }
}
