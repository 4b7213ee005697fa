package io.skein.it.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.it.harness.Clients;
import io.skein.it.harness.Processes;
import io.skein.it.harness.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Both transaction protocols on one broker: librdkafka 2.0.2 (through Debian's
 * confluent-kafka-python), a client of transactions version 1 whose epoch stays put, commits and
 * aborts beside kafka-clients 4.4 on version 2, whose epoch goes up at every end; read_committed
 * readers of either see only committed records.
 */
class LibrdkafkaTransactionsTest {

    private static final Path SCRIPT = Path.of("src", "test", "python", "confluent_transactions.py")
            .toAbsolutePath();

    @Test
    void versionOneAndVersionTwoClientsCommitAndAbortSideBySide() throws Exception {
        Processes.require("/usr/bin/python3");
        try (TestBroker broker = TestBroker.start("librdkafka-transactions", Map.of(
                "transaction.state.log.num.partitions", "3", "offsets.topic.num.partitions", "3"));
             Admin admin = Clients.admin(broker.bootstrap())) {
            String v1Topic = broker.topic("txn-librdkafka");
            String v2Topic = broker.topic("txn-kafka-clients");
            admin.createTopics(List.of(new NewTopic(v1Topic, 1, (short) 1), new NewTopic(v2Topic, 1, (short) 1)))
                    .all().get();
            Clients.awaitTopic(admin, v1Topic, 1, Duration.ofSeconds(30));
            Clients.awaitTopic(admin, v2Topic, 1, Duration.ofSeconds(30));

            try (KafkaProducer<byte[], byte[]> v2 = TxnClients.producer(broker.bootstrap(), "java-v2")) {
                v2.initTransactions();
                v2.beginTransaction();
                v2.send(new ProducerRecord<>(v2Topic, 0, null, TxnClients.bytes("open-while-v1-runs")));
                v2.flush();

                Processes.Result run = Processes.run(List.of("/usr/bin/python3", SCRIPT.toString(),
                        broker.bootstrap(), v1Topic, "librdkafka-v1"), null, Map.of(), Duration.ofMinutes(2));
                assertEquals(0, run.exitCode(), run.describe());
                assertEquals(List.of("value committed-0", "value committed-1", "value committed-2", "value later-0",
                        "value later-1", "value later-2"), run.output().lines().filter(l -> l.startsWith("value "))
                        .toList(), run.describe());

                v2.commitTransaction();
            }
            TransactionDescription v1 = admin.describeTransactions(List.of("librdkafka-v1"))
                    .description("librdkafka-v1").get();
            assertEquals(0, v1.producerEpoch(), "transactions version 1 keeps the epoch across transactions");
            TransactionDescription v2 = admin.describeTransactions(List.of("java-v2")).description("java-v2").get();
            assertEquals(1, v2.producerEpoch(), "transactions version 2 bumps it at the commit");
            assertEquals(List.of("open-while-v1-runs"),
                    TxnClients.readCommitted(broker.bootstrap(), List.of(new TopicPartition(v2Topic, 0))));
        }
    }
}
