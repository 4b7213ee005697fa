package io.skein.it.txn;

import static io.skein.it.txn.TxnClients.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.KafkaTools;
import io.skein.it.harness.Processes;
import io.skein.it.harness.TestBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

/**
 * Kafka's own {@code kafka-transactions} (TransactionsCommand from kafka-tools 4.4.0) against
 * Skein: {@code list} shows the transactional ids with their states, {@code describe} one
 * transaction with its partitions, {@code describe-producers} a partition's producers with the
 * start offset of the open transaction, {@code find-hanging} and {@code abort} a transaction its
 * coordinator lost.
 */
class TransactionsToolTest {

    private static final String TOOL = "org.apache.kafka.tools.TransactionsCommand";

    @Test
    void listsAndDescribesTransactionsAndProducers() throws Exception {
        try (TestBroker broker = TestBroker.start("transactions-tool", Map.of(
                "transaction.state.log.num.partitions", "3"));
             Admin admin = Clients.admin(broker.bootstrap())) {
            String topic = broker.topic("tool-txn");
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            Clients.awaitTopic(admin, topic, 1, Duration.ofSeconds(30));
            try (KafkaProducer<byte[], byte[]> done = TxnClients.producer(broker.bootstrap(), "tool-committed");
                 KafkaProducer<byte[], byte[]> open = TxnClients.producer(broker.bootstrap(), "tool-open")) {
                done.initTransactions();
                done.beginTransaction();
                done.send(new ProducerRecord<>(topic, 0, null, bytes("done")));
                done.commitTransaction();
                open.initTransactions();
                open.beginTransaction();
                RecordMetadata first = open.send(new ProducerRecord<>(topic, 0, null, bytes("open"))).get();

                String list = run(broker, "list").output();
                assertEquals("CompleteCommit", column(list, "tool-committed", 3), list);
                assertEquals("Ongoing", column(list, "tool-open", 3), list);
                String openProducerId = column(list, "tool-open", 2);

                String described = run(broker, "describe", "--transactional-id", "tool-open").output();
                assertEquals(openProducerId, column(described, "tool-open", 2), described);
                assertEquals("Ongoing", column(described, "tool-open", 4), described);
                assertTrue(described.contains(topic + "-0"), described);

                String producers = run(broker, "describe-producers", "--topic", topic, "--partition", "0").output();
                List<String> row = producers.lines().map(l -> Arrays.asList(l.trim().split("\\s+")))
                        .filter(cols -> cols.get(0).equals(openProducerId)).findFirst()
                        .orElseThrow(() -> new AssertionError("no producer " + openProducerId + ":\n" + producers));
                assertEquals(String.valueOf(first.offset()), row.get(row.size() - 1),
                        "the open transaction's start offset: " + producers);
                open.abortTransaction();
            }
        }
    }

    /**
     * A transaction no coordinator knows keeps the last stable offset back: a real transaction left
     * open (its one record stamped two minutes ago, past find-hanging's one-minute limit), whose
     * coordinator then loses it (kill -9, the {@code __transaction_state} partitions' directories
     * deleted, restart). {@code find-hanging} reports it and {@code abort} ends it with an ABORT
     * marker, after which read_committed readers move on.
     */
    @Test
    void findsAndAbortsAHangingTransaction() throws Exception {
        try (TestBroker broker = TestBroker.start("transactions-tool-hanging", Map.of(
                "transaction.state.log.num.partitions", "3"));
             Admin admin = Clients.admin(broker.bootstrap())) {
            String topic = broker.topic("tool-hanging");
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            Clients.awaitTopic(admin, topic, 1, Duration.ofSeconds(30));
            TopicPartition tp = new TopicPartition(topic, 0);
            RawTransactionalProducer producer = RawTransactionalProducer.init(broker, "tool-hanging", 600_000);
            producer.begin(tp);
            assertEquals(Errors.NONE.code(), producer.produce(tp, producer.batch(0,
                    new SimpleRecord(System.currentTimeMillis() - 120_000, null, bytes("hanging")))));
            String producerId = String.valueOf(producer.producerId());
            assertEquals(0L, readCommittedEnd(broker, tp), "the open transaction holds the last stable offset");

            broker.killAndRestart(TransactionsToolTest::deleteTransactionState);
            Clients.awaitTopic(admin, topic, 1, Duration.ofSeconds(30));
            assertEquals(0L, readCommittedEnd(broker, tp), "the open transaction holds the last stable offset");

            String hanging = run(broker, "find-hanging", "--broker-id", "1", "--max-transaction-timeout", "1").output();
            List<String> row = row(hanging, producerId);
            assertEquals(topic, row.get(0), hanging);

            run(broker, "abort", "--topic", topic, "--partition", "0", "--start-offset", "0");
            assertEquals(2L, readCommittedEnd(broker, tp), "the ABORT marker ended the transaction");
            assertEquals(List.of(), TxnClients.readCommitted(broker.bootstrap(), List.of(tp)));
        }
    }

    /** Deletes every {@code __transaction_state} partition's directory: the coordinator forgets every transaction. */
    private static void deleteTransactionState(Path dataDir) {
        try (Stream<Path> dirs = Files.list(dataDir)) {
            List<Path> state = dirs.filter(d -> d.getFileName().toString()
                    .startsWith(Topic.TRANSACTION_STATE_TOPIC_NAME + "-")).toList();
            assertFalse(state.isEmpty(), "no __transaction_state partition in " + dataDir);
            for (Path dir : state) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long readCommittedEnd(TestBroker broker, TopicPartition tp) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            return consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
        }
    }

    private static Processes.Result run(TestBroker broker, String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrap()));
        all.addAll(Arrays.asList(args));
        Processes.Result r = KafkaTools.run(TOOL, all, Duration.ofMinutes(1));
        assertEquals(0, r.exitCode(), "kafka-transactions " + all + ":\n" + r.describe());
        return r;
    }

    /** The whitespace-separated columns of the first output line that has {@code key} as a column. */
    private static List<String> row(String output, String key) {
        return output.lines().map(l -> Arrays.asList(l.trim().split("\\s+"))).filter(cols -> cols.contains(key))
                .findFirst().orElseThrow(() -> new AssertionError("no line with " + key + " in:\n" + output));
    }

    private static String column(String output, String key, int index) {
        return row(output, key).get(index);
    }
}
