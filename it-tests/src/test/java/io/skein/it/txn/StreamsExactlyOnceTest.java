package io.skein.it.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.TestBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A Kafka Streams word count ({@link WordCountApp}, {@code exactly_once_v2}) killed with SIGKILL
 * while input is still arriving, then restarted with the same application id and an empty state
 * dir (so its counts come back from the changelog): a read_committed reader of the output sees
 * every word's final count exactly, and no count above it anywhere (a record counted twice
 * would overshoot).
 */
class StreamsExactlyOnceTest {

    private static final int PARTITIONS = 3;
    private static final int LINES_BEFORE_START = 1500;
    private static final int BATCHES_WHILE_RUNNING = 30;
    private static final int LINES_PER_BATCH = 100;
    private static final List<String> VOCABULARY = List.of("alpha", "bravo", "charlie", "delta", "echo",
            "foxtrot", "golf", "hotel", "india", "juliet", "kilo");

    @Test
    void aWordCountKilledMidStreamAndRestartedCountsEachWordExactlyOnce() throws Exception {
        try (TestBroker broker = TestBroker.start("streams-exactly-once", Map.of(
                "transaction.state.log.num.partitions", "3", "offsets.topic.num.partitions", "3"));
             Admin admin = Clients.admin(broker.bootstrap())) {
            String input = broker.topic("words-in");
            String output = broker.topic("word-counts");
            String applicationId = broker.topic("word-count");
            admin.createTopics(List.of(new NewTopic(input, PARTITIONS, (short) 1),
                    new NewTopic(output, PARTITIONS, (short) 1))).all().get();
            Clients.awaitTopic(admin, input, PARTITIONS, Duration.ofSeconds(30));
            Clients.awaitTopic(admin, output, PARTITIONS, Duration.ofSeconds(30));
            int totalLines = LINES_BEFORE_START + BATCHES_WHILE_RUNNING * LINES_PER_BATCH;
            Map<String, Long> expected = expectedCounts(totalLines);

            List<String> args = List.of(broker.bootstrap(), applicationId, input, output);
            List<Process> started = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
                produce(producer, input, 0, LINES_BEFORE_START);
                Process killed = start(args, 1, started);
                Clients.await("the first word count's first committed counts", Duration.ofSeconds(90),
                        () -> !readCommitted(broker.bootstrap(), output).isEmpty());

                AtomicInteger batches = new AtomicInteger();
                Thread feeder = new Thread(() -> feed(producer, input, batches), "word-feeder");
                feeder.start();
                Clients.await("input arriving while the word count runs", Duration.ofSeconds(30),
                        () -> batches.get() >= BATCHES_WHILE_RUNNING / 3);
                killed.destroyForcibly(); // SIGKILL: its open transaction is left to the broker
                assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
                assertTrue(total(latest(readCommitted(broker.bootstrap(), output)))
                        < total(expected), "killed before the end of the input");

                Process restarted = start(args, 2, started);
                feeder.join(60_000);
                assertEquals(BATCHES_WHILE_RUNNING, batches.get(), "every batch of input sent");
                boolean converged = Clients.waitFor(
                        () -> expected.equals(latest(readCommitted(broker.bootstrap(), output))),
                        Duration.ofSeconds(120));
                restarted.destroy(); // SIGTERM: the app closes itself
                assertTrue(restarted.waitFor(60, TimeUnit.SECONDS), "the word count stops on SIGTERM");
                List<Map.Entry<String, Long>> counts = readCommitted(broker.bootstrap(), output);
                assertTrue(converged, "final counts " + latest(counts) + ", expected " + expected);
                assertEquals(expected, latest(counts), "each word's last count");
                for (Map.Entry<String, Long> count : counts) {
                    assertTrue(count.getValue() <= expected.get(count.getKey()),
                            "a count above the final one (a record counted twice): " + count);
                }
            } finally {
                for (Process p : started) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Line {@code i}: three words of the vocabulary, picked so the counts differ between words. */
    private static String line(int i) {
        int v = VOCABULARY.size();
        return VOCABULARY.get(i % v) + " " + VOCABULARY.get((i * 7 + 3) % v) + " " + VOCABULARY.get((i / 5) % v);
    }

    private static Map<String, Long> expectedCounts(int lines) {
        Map<String, Long> counts = new TreeMap<>();
        for (int i = 0; i < lines; i++) {
            for (String word : line(i).split(" ")) {
                counts.merge(word, 1L, Long::sum);
            }
        }
        return counts;
    }

    private static void produce(KafkaProducer<byte[], byte[]> producer, String topic, int from, int to) {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, line(i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
    }

    /** Sends the rest of the input in batches, one every 100 ms, counting the batches sent. */
    private static void feed(KafkaProducer<byte[], byte[]> producer, String topic, AtomicInteger batches) {
        for (int b = 0; b < BATCHES_WHILE_RUNNING; b++) {
            int from = LINES_BEFORE_START + b * LINES_PER_BATCH;
            produce(producer, topic, from, from + LINES_PER_BATCH);
            batches.incrementAndGet();
            try {
                Thread.sleep(100); // paces the input so the kill lands mid-stream
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Every committed (word, count) of the output, per partition in offset order (a word lives in one). */
    private static List<Map.Entry<String, Long>> readCommitted(String bootstrap, String topic) {
        List<TopicPartition> partitions = TxnClients.partitions(topic, PARTITIONS);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " up to " + ends);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        records.sort(Comparator.comparing((ConsumerRecord<byte[], byte[]> r) -> r.partition())
                .thenComparingLong(ConsumerRecord::offset));
        return records.stream().map(r -> Map.entry(new String(r.key(), StandardCharsets.UTF_8),
                ByteBuffer.wrap(r.value()).getLong())).toList();
    }

    private static Map<String, Long> latest(List<Map.Entry<String, Long>> counts) {
        Map<String, Long> last = new TreeMap<>();
        counts.forEach(c -> last.put(c.getKey(), c.getValue()));
        return last;
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * {@link WordCountApp} in a JVM of its own, with an emptied state dir; its output goes to
     * {@code target/word-count-<run>.log}.
     */
    private static Process start(List<String> args, int run, List<Process> started) throws IOException {
        Path stateDir = Path.of("target", "streams-state").toAbsolutePath();
        deleteRecursively(stateDir);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile"),
                "-cp", System.getProperty("java.class.path"), WordCountApp.class.getName()));
        command.addAll(args);
        command.add(stateDir.toString());
        Path log = Path.of("target", "word-count-" + run + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        started.add(process);
        return process;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
