package io.skein.it.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skein.it.harness.Clients;
import io.skein.it.harness.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A consumer in a group commits (with metadata) part-way through each partition; the broker is
 * restarted (cleanly, or with {@code kill -9}), and a new consumer of the same group resumes exactly
 * after the commit: its first record of each partition is the committed offset, and the committed
 * offsets and metadata read back unchanged.
 */
class CommitResumeTest {

    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 100;
    private static final long COMMITTED = 37;

    @ParameterizedTest(name = "{0} protocol, broker {1}")
    @CsvSource({"classic, restarted", "classic, killed", "consumer, restarted", "consumer, killed"})
    void aNewConsumerResumesExactlyAfterTheCommitWhenTheBrokerComesBack(String protocol, String restart)
            throws Exception {
        try (TestBroker broker = TestBroker.start("commit-resume-" + protocol + "-" + restart,
                Map.of("offsets.topic.num.partitions", "3"))) {
            String topic = broker.topic("commit-resume");
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
                Clients.awaitTopic(admin, topic, PARTITIONS, Duration.ofSeconds(30));
            }
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
                for (int p = 0; p < PARTITIONS; p++) {
                    for (int i = 0; i < PER_PARTITION; i++) {
                        producer.send(new ProducerRecord<>(topic, p, null, value(p, i)));
                    }
                }
                producer.flush();
            }
            String group = "resume-" + protocol + "-" + restart;
            Set<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p))
                    .collect(Collectors.toSet());

            try (KafkaConsumer<byte[], byte[]> first = groupConsumer(broker, group, protocol, "earliest")) {
                first.subscribe(List.of(topic));
                Map<TopicPartition, Integer> read = new HashMap<>();
                Clients.await("the first consumer reads every partition past the commit point", Duration.ofSeconds(60),
                        () -> {
                            for (ConsumerRecord<byte[], byte[]> r : first.poll(Duration.ofMillis(200))) {
                                read.merge(new TopicPartition(r.topic(), r.partition()), 1, Integer::sum);
                            }
                            return read.keySet().equals(partitions)
                                    && read.values().stream().allMatch(n -> n > COMMITTED);
                        });
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    offsets.put(tp, new OffsetAndMetadata(COMMITTED, "checkpoint-" + tp.partition()));
                }
                first.commitSync(offsets);
            }

            if (restart.equals("killed")) {
                broker.killAndRestart();
            } else {
                assertEquals(0, broker.restart(), "the clean stop exits with 0");
            }

            try (KafkaConsumer<byte[], byte[]> second = groupConsumer(broker, group, protocol, "none")) {
                Map<TopicPartition, OffsetAndMetadata> committed = second.committed(partitions, Duration.ofSeconds(30));
                for (TopicPartition tp : partitions) {
                    assertEquals(new OffsetAndMetadata(COMMITTED, "checkpoint-" + tp.partition()).offset(),
                            committed.get(tp).offset(), "committed offset of " + tp);
                    assertEquals("checkpoint-" + tp.partition(), committed.get(tp).metadata());
                }
                second.subscribe(List.of(topic));
                Map<TopicPartition, Long> firstOffsets = new HashMap<>();
                Map<TopicPartition, Integer> counts = new HashMap<>();
                Clients.await("the second consumer reads every partition to its end", Duration.ofSeconds(60), () -> {
                    for (ConsumerRecord<byte[], byte[]> r : second.poll(Duration.ofMillis(200))) {
                        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                        firstOffsets.putIfAbsent(tp, r.offset());
                        counts.merge(tp, 1, Integer::sum);
                        assertEquals(new String(value(r.partition(), (int) r.offset()), StandardCharsets.UTF_8),
                                new String(r.value(), StandardCharsets.UTF_8));
                    }
                    return counts.values().stream().mapToInt(Integer::intValue).sum()
                            == PARTITIONS * (PER_PARTITION - COMMITTED);
                });
                for (TopicPartition tp : partitions) {
                    assertEquals(COMMITTED, firstOffsets.get(tp), "first record read from " + tp);
                    assertEquals(PER_PARTITION - COMMITTED, counts.get(tp).longValue(), "records read from " + tp);
                }
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> groupConsumer(TestBroker broker, String group, String protocol,
                                                          String reset) {
        return Clients.consumer(broker.bootstrap(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol,
                // after the restart a reset would hide a lost commit: "none" fails instead
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10"));
    }

    private static byte[] value(int partition, int index) {
        return ("p" + partition + "-" + index).getBytes(StandardCharsets.UTF_8);
    }
}
