package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.coordinator.group.GroupCoordinator;
import io.skein.coordinator.transaction.TransactionCoordinator;
import io.skein.it.harness.ClusterAdmin;
import io.skein.it.harness.Clients;
import io.skein.it.harness.Processes;
import io.skein.it.harness.ThreeNodeCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transactions across a three-node cluster, with the transaction coordinator (leader of the
 * transactional id's {@code __transaction_state} partition) on one node and the data partitions
 * led by all three: the coordinator's markers reach the other leaders (WriteTxnMarkers), the
 * leaders check transactional batches with the remote coordinator (AddPartitionsToTxn v4+), and a
 * coordinator killed mid-transaction is replaced by one that aborts the open transaction when the
 * producer comes back. Every test starts with all three nodes running.
 */
class ClusterTransactionsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int PARTITIONS = 6;
    /** Several follower fetch rounds ({@code replica.fetch.wait.max.ms} is 500 ms by default). */
    private static final Path LIBRDKAFKA_SCRIPT = Path.of("src", "test", "python", "confluent_transactions.py")
            .toAbsolutePath();
    private static ThreeNodeCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = ThreeNodeCluster.start("cluster-txn", Map.of(
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

    @Test
    void readCommittedSeesExactlyTheCommittedTransactionsSpanningEveryLeader() throws Exception {
        String topic = "txn-spread";
        List<TopicPartition> partitions = createTopic(topic);
        Map<TopicPartition, List<String>> committed = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = producer("spread-producer")) {
            producer.initTransactions();
            for (int txn = 0; txn < 6; txn++) {
                boolean commit = txn % 2 == 0;
                producer.beginTransaction();
                for (TopicPartition tp : partitions) {
                    for (int i = 0; i < 20; i++) {
                        String value = value(txn, tp.partition(), i, commit);
                        producer.send(new ProducerRecord<>(topic, tp.partition(), null, bytes(value)));
                        if (commit) {
                            committed.computeIfAbsent(tp, k -> new ArrayList<>()).add(value);
                        }
                    }
                }
                if (commit) {
                    producer.commitTransaction();
                } else {
                    producer.flush(); // the aborted records are in the logs, the markers must hide them
                    producer.abortTransaction();
                }
            }
        }

        Map<TopicPartition, List<String>> seen = read(partitions, "read_committed");

        for (TopicPartition tp : partitions) {
            assertEquals(committed.get(tp), seen.getOrDefault(tp, List.of()), "read_committed in " + tp);
        }
        assertEquals(6 * 20 * PARTITIONS, read(partitions, "read_uncommitted").values().stream()
                .mapToInt(List::size).sum(), "read_uncommitted sees the aborted records too");
    }

    @Test
    void aNewCoordinatorAbortsTheTransactionOpenWhenTheOldOneWasKilled() throws Exception {
        String topic = "txn-failover";
        String transactionalId = "failover-producer";
        List<TopicPartition> partitions = createTopic(topic);
        Map<TopicPartition, List<String>> committed = new HashMap<>();
        KafkaProducer<byte[], byte[]> first = producer(transactionalId);
        first.initTransactions();
        sendAll(first, topic, partitions, 0, true, committed);
        first.commitTransaction();
        sendAll(first, topic, partitions, 1, false, committed);
        first.flush(); // the open transaction's records are on every leader
        int coordinator;
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            coordinator = admin.describeTransactions(List.of(transactionalId)).description(transactionalId).get()
                    .coordinatorId();
        }

        // at once: every partition the transaction added is replicated in __transaction_state before
        // its batches were appended, so the new coordinator knows them all
        cluster.kill(coordinator); // kill -9: the transaction stays open in __transaction_state
        first.close(Duration.ZERO);

        try (KafkaProducer<byte[], byte[]> second = producer(transactionalId)) {
            second.initTransactions(); // the new coordinator loads the id and aborts the open transaction
            sendAll(second, topic, partitions, 2, true, committed);
            second.commitTransaction();
        }
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            int newCoordinator = admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
                    .get().coordinatorId();
            assertTrue(newCoordinator != coordinator, "the transaction coordinator moved off the killed node");
        }
        Map<TopicPartition, List<String>> seen = read(partitions, "read_committed");
        for (TopicPartition tp : partitions) {
            assertEquals(committed.get(tp), seen.getOrDefault(tp, List.of()), "read_committed in " + tp);
        }
    }

    @Test
    void aVersionOneClientCommitsAndAbortsWithItsCoordinatorOnAnotherNode() throws Exception {
        Processes.require("/usr/bin/python3");
        String topic = "txn-librdkafka";
        createTopic(topic);
        String transactionalId;
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            int leader = leaders(admin, topic).get(0);
            transactionalId = idCoordinatedAwayFrom(admin, "librdkafka-v1-", leader);
        }

        Processes.Result run = Processes.run(List.of("/usr/bin/python3", LIBRDKAFKA_SCRIPT.toString(),
                cluster.bootstrap(), topic, transactionalId), null, Map.of(), Duration.ofMinutes(2));

        assertEquals(0, run.exitCode(), run.describe());
        assertEquals(List.of("value committed-0", "value committed-1", "value committed-2", "value later-0",
                "value later-1", "value later-2"), run.output().lines().filter(l -> l.startsWith("value "))
                .toList(), run.describe());
    }

    @Test
    void offsetsSentToATransactionCommitWithItOnTheGroupCoordinatorsNode() throws Exception {
        String topic = "txn-offsets";
        List<TopicPartition> partitions = createTopic(topic);
        String transactionalId = "offsets-producer";
        String group;
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            try (KafkaProducer<byte[], byte[]> probe = producer(transactionalId)) {
                probe.initTransactions(); // creates __transaction_state and the id
            }
            int txnCoordinator = admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
                    .get().coordinatorId();
            group = groupCoordinatedAwayFrom(admin, "cluster-eos-", txnCoordinator);
        }
        Map<TopicPartition, OffsetAndMetadata> committedOffsets = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> abortedOffsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            committedOffsets.put(tp, new OffsetAndMetadata(10 + tp.partition(), "committed"));
            abortedOffsets.put(tp, new OffsetAndMetadata(100 + tp.partition(), "aborted"));
        }
        try (KafkaProducer<byte[], byte[]> producer = producer(transactionalId)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, null, bytes("with-offsets")));
            producer.sendOffsetsToTransaction(committedOffsets, new ConsumerGroupMetadata(group));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 1, null, bytes("aborted-with-offsets")));
            producer.sendOffsetsToTransaction(abortedOffsets, new ConsumerGroupMetadata(group));
            producer.abortTransaction();
        }

        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            Map<TopicPartition, OffsetAndMetadata> seen = new HashMap<>();
            Clients.await("the transaction's offsets committed in " + group, TIMEOUT, () -> {
                try {
                    seen.clear();
                    seen.putAll(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
                    return seen.size() == PARTITIONS;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(committedOffsets, seen, "only the committed transaction's offsets");
        }
        assertEquals(List.of("with-offsets"), read(partitions, "read_committed").values().stream()
                .flatMap(List::stream).toList());
    }

    /** The partitions' leaders, by partition. */
    private static Map<Integer, Integer> leaders(Admin admin, String topic) throws Exception {
        Map<Integer, Integer> out = new HashMap<>();
        for (TopicPartitionInfo p : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                .partitions()) {
            out.put(p.partition(), p.leader() == null ? -1 : p.leader().id());
        }
        return out;
    }

    /** A transactional id whose {@code __transaction_state} partition is led by another node than {@code node}. */
    private static String idCoordinatedAwayFrom(Admin admin, String prefix, int node) throws Exception {
        try (KafkaProducer<byte[], byte[]> probe = producer(prefix + "probe")) {
            probe.initTransactions(); // __transaction_state exists from here on
        }
        Map<Integer, Integer> stateLeaders = leaders(admin, Topic.TRANSACTION_STATE_TOPIC_NAME);
        for (int i = 0; ; i++) {
            String id = prefix + i;
            int leader = stateLeaders.get(TransactionCoordinator.partitionFor(id, stateLeaders.size()));
            if (leader >= 0 && leader != node) {
                return id;
            }
        }
    }

    /** A group id whose group coordinator (leader of its {@code __consumer_offsets} partition) is not {@code node}. */
    private static String groupCoordinatedAwayFrom(Admin admin, String prefix, int node) throws Exception {
        admin.listConsumerGroupOffsets(prefix + "probe").partitionsToOffsetAndMetadata().get(); // creates the topic
        Clients.await(Topic.GROUP_METADATA_TOPIC_NAME + " with a leader for every partition", TIMEOUT, () -> {
            try {
                return !leaders(admin, Topic.GROUP_METADATA_TOPIC_NAME).containsValue(-1);
            } catch (Exception e) {
                return false;
            }
        });
        Map<Integer, Integer> offsetsLeaders = leaders(admin, Topic.GROUP_METADATA_TOPIC_NAME);
        for (int i = 0; ; i++) {
            String group = prefix + i;
            int leader = offsetsLeaders.get(GroupCoordinator.partitionFor(group, offsetsLeaders.size()));
            if (leader >= 0 && leader != node) {
                return group;
            }
        }
    }

    private static void sendAll(KafkaProducer<byte[], byte[]> producer, String topic, List<TopicPartition> partitions,
                                int txn, boolean willCommit, Map<TopicPartition, List<String>> committed) {
        producer.beginTransaction();
        for (TopicPartition tp : partitions) {
            for (int i = 0; i < 10; i++) {
                String value = value(txn, tp.partition(), i, willCommit);
                producer.send(new ProducerRecord<>(topic, tp.partition(), null, bytes(value)));
                if (willCommit) {
                    committed.computeIfAbsent(tp, k -> new ArrayList<>()).add(value);
                }
            }
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String transactionalId) {
        return Clients.producer(cluster.bootstrap(), Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "90000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000"));
    }

    /** A 6-partition topic, RF 3, {@code min.insync.replicas=2}, every replica in sync; its leaders span the nodes. */
    private static List<TopicPartition> createTopic(String name) throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            TopicDescription d = ClusterAdmin.createReplicated(admin, name, PARTITIONS, 2, TIMEOUT);
            Set<Integer> leaders = new HashSet<>();
            for (TopicPartitionInfo p : d.partitions()) {
                leaders.add(p.leader().id());
            }
            assertEquals(Set.of(1, 2, 3), leaders, "the leaders of " + name + " span the three nodes");
        }
        List<TopicPartition> out = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            out.add(new TopicPartition(name, p));
        }
        return out;
    }

    /** Every value of each partition from its beginning up to the end offset seen with {@code isolation}. */
    private static Map<TopicPartition, List<String>> read(List<TopicPartition> partitions, String isolation) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(Clients.readToEnd(cluster.bootstrap(),
                partitions, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation), TIMEOUT));
        records.sort(Comparator.comparingLong(ConsumerRecord::offset));
        Map<TopicPartition, List<String>> values = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            values.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayList<>())
                    .add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    /** Distinct per transaction, partition and record, with bytes beyond ASCII so a mangled byte shows. */
    private static String value(int txn, int partition, int i, boolean committed) {
        return (committed ? "commit" : "abort") + "-t" + txn + "-p" + partition + "-r" + i + "-é€".repeat(1 + i % 4);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
