package io.skein.it.txn;

import static io.skein.it.txn.TxnClients.bytes;
import static io.skein.it.txn.TxnClients.partitions;
import static io.skein.it.txn.TxnClients.readCommitted;
import static io.skein.it.txn.TxnClients.readUncommitted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * kafka-clients' transactional producer against one Skein node (transactions version 2, which
 * kafka-clients 4.4 uses as the broker finalizes {@code transaction.version} 2):
 * commits and aborts, what read_committed readers see, fencing, consume-transform-produce with
 * {@code sendOffsetsToTransaction}, the coordinator aborting a timed-out transaction, and (last)
 * a kill -9 of the broker with a transaction open.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TransactionsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static TestBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.start("transactions", Map.of(
                "offsets.topic.num.partitions", "3",
                "transaction.state.log.num.partitions", "3",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"));
        admin = Clients.admin(broker.bootstrap());
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static String topic(String base, int partitions) throws Exception {
        String topic = broker.topic(base);
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        Clients.awaitTopic(admin, topic, partitions, WAIT);
        return topic;
    }

    private static void sendToAll(KafkaProducer<byte[], byte[]> producer, String topic, int partitions, String prefix) {
        for (int p = 0; p < partitions; p++) {
            producer.send(new ProducerRecord<>(topic, p, null, bytes(prefix + "-" + p)));
        }
    }

    @Test
    @Order(1)
    void readCommittedSeesOnlyCommittedTransactionsAcrossThreePartitions() throws Exception {
        String topic = topic("txn-commit-abort", 3);
        try (KafkaProducer<byte[], byte[]> producer = TxnClients.producer(broker.bootstrap(), "commit-abort")) {
            producer.initTransactions();
            producer.beginTransaction();
            sendToAll(producer, topic, 3, "committed");
            producer.commitTransaction();

            producer.beginTransaction();
            sendToAll(producer, topic, 3, "aborted");
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            sendToAll(producer, topic, 3, "later");
            producer.commitTransaction();

            producer.beginTransaction(); // empty transactions end without an error
            producer.commitTransaction();
            producer.beginTransaction();
            producer.abortTransaction();
        }

        TransactionDescription described = admin.describeTransactions(List.of("commit-abort"))
                .description("commit-abort").get();
        assertTrue(described.producerEpoch() >= 3, "transactions version 2: the epoch goes up by one at every end, "
                + "now " + described.producerEpoch());
        List<TopicPartition> tps = partitions(topic, 3);
        assertEquals(List.of("committed-0", "later-0", "committed-1", "later-1", "committed-2", "later-2"),
                readCommitted(broker.bootstrap(), tps));
        assertEquals(9, readUncommitted(broker.bootstrap(), tps).size(), "read_uncommitted sees the aborted records too");
    }

    @Test
    @Order(2)
    void aSecondProducerWithTheSameIdFencesTheFirst() throws Exception {
        String topic = topic("txn-fencing", 1);
        try (KafkaProducer<byte[], byte[]> zombie = TxnClients.producer(broker.bootstrap(), "fenced-id");
             KafkaProducer<byte[], byte[]> successor = TxnClients.producer(broker.bootstrap(), "fenced-id")) {
            zombie.initTransactions();
            zombie.beginTransaction();
            zombie.send(new ProducerRecord<>(topic, 0, null, bytes("zombie"))).get();

            successor.initTransactions(); // aborts the zombie's open transaction
            successor.beginTransaction();
            successor.send(new ProducerRecord<>(topic, 0, null, bytes("successor")));
            successor.commitTransaction();

            KafkaException failure = assertThrows(KafkaException.class, zombie::commitTransaction);
            assertTrue(failure instanceof ProducerFencedException || failure.getCause() instanceof ProducerFencedException,
                    "the zombie is fenced: " + failure);
        }
        assertEquals(List.of("successor"), readCommitted(broker.bootstrap(), partitions(topic, 1)));
    }

    @Test
    @Order(3)
    void consumeTransformProduceCommitsOffsetsOnlyWithItsTransaction() throws Exception {
        String input = topic("txn-ctp-in", 2);
        String output = topic("txn-ctp-out", 1);
        String group = "ctp-group";
        try (KafkaProducer<byte[], byte[]> plain = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 10; i++) {
                plain.send(new ProducerRecord<>(input, i % 2, null, bytes("in-" + i)));
            }
            plain.flush();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
             KafkaProducer<byte[], byte[]> producer = TxnClients.producer(broker.bootstrap(), "ctp")) {
            producer.initTransactions();
            consumer.subscribe(List.of(input));

            transform(consumer, producer, output, 10);
            producer.commitTransaction();
            assertEquals(Map.of(new TopicPartition(input, 0), 5L, new TopicPartition(input, 1), 5L), committed(group));

            try (KafkaProducer<byte[], byte[]> plain = Clients.producer(broker.bootstrap())) {
                for (int i = 10; i < 14; i++) {
                    plain.send(new ProducerRecord<>(input, i % 2, null, bytes("in-" + i)));
                }
                plain.flush();
            }
            transform(consumer, producer, output, 4);
            producer.abortTransaction();
            assertEquals(Map.of(new TopicPartition(input, 0), 5L, new TopicPartition(input, 1), 5L), committed(group),
                    "the aborted transaction's offsets are not committed");
        }
        List<String> out = readCommitted(broker.bootstrap(), partitions(output, 1));
        assertEquals(10, out.size(), "only the committed transaction's output is visible: " + out);
    }

    @Test
    @Order(5)
    void consumeTransformProduceWorksWithAConsumerProtocolGroup() throws Exception {
        String input = topic("txn-ctp848-in", 1);
        String output = topic("txn-ctp848-out", 1);
        String group = "ctp-848-group";
        try (KafkaProducer<byte[], byte[]> plain = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 6; i++) {
                plain.send(new ProducerRecord<>(input, 0, null, bytes("in-" + i)));
            }
            plain.flush();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
             KafkaProducer<byte[], byte[]> producer = TxnClients.producer(broker.bootstrap(), "ctp-848")) {
            producer.initTransactions();
            consumer.subscribe(List.of(input));
            transform(consumer, producer, output, 6);
            producer.commitTransaction();
            assertEquals(Map.of(new TopicPartition(input, 0), 6L), committed(group),
                    "offsets committed with the member's epoch (KIP-848) in the transaction");
        }
        assertEquals(6, readCommitted(broker.bootstrap(), partitions(output, 1)).size());
    }

    /** Reads {@code count} records, writes one output record each and sends the offsets, inside a new transaction. */
    private static void transform(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer,
                                  String output, int count) {
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        Clients.await(count + " input records", WAIT, () -> {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                seen.add(r);
                producer.send(new ProducerRecord<>(output, 0, null, bytes("out-" + new String(r.value()))));
                next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            }
            return seen.size() >= count;
        });
        producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
    }

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .forEach((tp, o) -> out.put(tp, o.offset()));
        return out;
    }

    @Test
    @Order(4)
    void theCoordinatorAbortsATransactionOpenPastItsTimeout() throws Exception {
        String topic = topic("txn-timeout", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = TxnClients.producer(broker.bootstrap(), "slow",
                Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "2000"))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, null, bytes("abandoned"))).get();

            Clients.await("the coordinator to abort the timed-out transaction", WAIT, () -> {
                try {
                    TransactionDescription d = admin.describeTransactions(List.of("slow")).description("slow").get();
                    return d.state() == TransactionState.COMPLETE_ABORT;
                } catch (Exception e) {
                    return false;
                }
            });
            assertThrows(KafkaException.class, producer::commitTransaction);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            long end = consumer.endOffsets(List.of(tp), WAIT).get(tp);
            assertEquals(2, end, "the last stable offset moved past the record and its ABORT marker");
        }
        assertEquals(List.of(), readCommitted(broker.bootstrap(), List.of(tp)));
    }

    @Test
    @Order(100)
    void aTransactionOpenAtAKillIsAbortedByTheNextProducerWithItsId() throws Exception {
        String topic = topic("txn-kill", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        String group = "kill-group";
        KafkaProducer<byte[], byte[]> before = TxnClients.producer(broker.bootstrap(), "survivor");
        before.initTransactions();
        before.beginTransaction();
        before.send(new ProducerRecord<>(topic, 0, null, bytes("open-at-kill"))).get();
        before.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(100)),
                new org.apache.kafka.clients.consumer.ConsumerGroupMetadata(group));

        broker.killAndRestart();
        before.close(Duration.ZERO);

        try (KafkaProducer<byte[], byte[]> after = TxnClients.producer(broker.bootstrap(), "survivor")) {
            after.initTransactions(); // the reloaded coordinator aborts the open transaction first
            assertEquals(Map.of(), committed(group), "the aborted transaction's offsets are not committed");
            after.beginTransaction();
            after.send(new ProducerRecord<>(topic, 0, null, bytes("after-restart")));
            after.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(7)),
                    new org.apache.kafka.clients.consumer.ConsumerGroupMetadata(group));
            after.commitTransaction();
        }
        assertEquals(List.of("after-restart"), readCommitted(broker.bootstrap(), List.of(tp)));
        assertEquals(Map.of(tp, 7L), committed(group));

        broker.restart();
        assertEquals(Map.of(tp, 7L), committed(group), "the committed transactional offset is replayed after a restart");
    }
}
