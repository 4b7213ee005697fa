package io.skein.it.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.TestBroker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Consume-transform-produce with {@code sendOffsetsToTransaction}, the processor killed with
 * SIGKILL inside an open transaction and restarted: the output has exactly one result per input
 * (for read_committed readers) and the group's committed offsets are the input's end.
 */
class ExactlyOnceProcessorTest {

    private static final int PARTITIONS = 2;
    private static final int PER_PARTITION = 100;

    @Test
    void aProcessorKilledInsideATransactionAndRestartedProducesEachResultOnce() throws Exception {
        try (TestBroker broker = TestBroker.start("exactly-once-processor", Map.of(
                "transaction.state.log.num.partitions", "3", "offsets.topic.num.partitions", "3"));
             Admin admin = Clients.admin(broker.bootstrap())) {
            String input = broker.topic("eos-in");
            String output = broker.topic("eos-out");
            String group = "eos-group";
            admin.createTopics(List.of(new NewTopic(input, PARTITIONS, (short) 1),
                    new NewTopic(output, PARTITIONS, (short) 1))).all().get();
            Clients.awaitTopic(admin, input, PARTITIONS, Duration.ofSeconds(30));
            Clients.awaitTopic(admin, output, PARTITIONS, Duration.ofSeconds(30));
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
                for (int p = 0; p < PARTITIONS; p++) {
                    for (int i = 0; i < PER_PARTITION; i++) {
                        producer.send(new ProducerRecord<>(input, p, null, TxnClients.bytes(p + "-" + i)));
                    }
                }
                producer.flush();
            }

            List<String> args = List.of(broker.bootstrap(), input, String.valueOf(PARTITIONS), output, group,
                    "eos-processor");
            List<String> first = new CopyOnWriteArrayList<>();
            Process killed = start(args, "1000", first);
            Clients.await("the first processor to commit a few transactions", Duration.ofSeconds(60),
                    () -> first.stream().filter(l -> l.startsWith("committed")).count() >= 2);
            Clients.await("the first processor inside a transaction", Duration.ofSeconds(30),
                    () -> state(admin) == TransactionState.ONGOING);
            killed.destroyForcibly(); // it pauses a second inside each transaction, after its sends
            assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
            assertEquals(TransactionState.ONGOING, state(admin), "killed inside an open transaction");

            List<String> second = new CopyOnWriteArrayList<>();
            Process restarted = start(args, "0", second);
            assertTrue(restarted.waitFor(120, TimeUnit.SECONDS), "the restarted processor finishes: " + second);
            assertEquals(0, restarted.exitValue(), "restarted processor: " + second);
            assertTrue(second.contains("done"), second.toString());

            List<String> out = TxnClients.readCommitted(broker.bootstrap(), TxnClients.partitions(output, PARTITIONS));
            List<String> expected = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < PER_PARTITION; i++) {
                    expected.add("out-" + p + "-" + i);
                }
            }
            assertEquals(expected, out, "exactly one result per input, in input order");
            Map<TopicPartition, Long> committed = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .forEach((tp, o) -> committed.put(tp, o.offset()));
            assertEquals(Map.of(new TopicPartition(input, 0), (long) PER_PARTITION,
                    new TopicPartition(input, 1), (long) PER_PARTITION), committed);
        }
    }

    private static TransactionState state(Admin admin) {
        try {
            return admin.describeTransactions(List.of("eos-processor")).description("eos-processor").get().state();
        } catch (Exception e) {
            return TransactionState.UNKNOWN;
        }
    }

    /** {@link TransformMain} in a JVM of its own; its stdout lines are collected into {@code lines}. */
    private static Process start(List<String> args, String pauseMs, List<String> lines) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), TransformMain.class.getName()));
        command.addAll(args);
        command.add(pauseMs);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // the process was killed
            }
        }, "transform-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }
}
