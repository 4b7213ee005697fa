package io.skein.it.produce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.SkeinNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 10,000 records with keys and headers across 3 partitions, produced with the producer's default
 * config, come back byte-identical and in per-partition order — for every compression type, and
 * again after a clean restart of the broker.
 */
class JavaClientRoundTripTest {

    private static final String[] COMPRESSIONS = {"none", "gzip", "snappy", "lz4", "zstd"};
    private static final int RECORDS = 10_000;
    private static SkeinNode node;

    /** What was sent to one partition, in order. */
    private record Sent(byte[] key, byte[] value, List<Header> headers, long offset) {
    }

    @BeforeAll
    static void start() {
        node = SkeinNode.start("roundtrip", Path.of("target", "it-data", "roundtrip-" + System.nanoTime()));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void recordsComeBackByteIdenticalForEveryCompressionAndAfterRestart() throws Exception {
        Map<String, Map<Integer, List<Sent>>> sentByTopic = new HashMap<>();
        try (Admin admin = Clients.admin(node.bootstrap())) {
            for (String compression : COMPRESSIONS) {
                admin.createTopics(List.of(new NewTopic("rt-" + compression, 3, (short) 1))).all().get();
            }
        }
        for (String compression : COMPRESSIONS) {
            String topic = "rt-" + compression;
            sentByTopic.put(topic, produce(topic, compression));
            verify(topic, sentByTopic.get(topic));
        }

        assertEquals(0, node.restart(), "clean stop must exit 0");

        for (String compression : COMPRESSIONS) {
            String topic = "rt-" + compression;
            verify(topic, sentByTopic.get(topic));
        }
    }

    private static Map<Integer, List<Sent>> produce(String topic, String compression) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        Random random = new Random(topic.hashCode());
        Map<Integer, List<Sent>> sent = new HashMap<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        List<Sent> pending = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), props)) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] key = ("key-" + i).getBytes();
                byte[] value = new byte[random.nextInt(2000)];
                random.nextBytes(value);
                List<Header> headers = List.of(new RecordHeader("h" + (i % 3), ("v" + i).getBytes()),
                        new RecordHeader("empty", new byte[0]));
                acks.add(producer.send(new ProducerRecord<>(topic, i % 3, key, value, headers)));
                pending.add(new Sent(key, value, headers, -1));
            }
            producer.flush();
            for (int i = 0; i < RECORDS; i++) {
                RecordMetadata md = acks.get(i).get();
                Sent s = pending.get(i);
                sent.computeIfAbsent(md.partition(), p -> new ArrayList<>())
                        .add(new Sent(s.key(), s.value(), s.headers(), md.offset()));
            }
        }
        return sent;
    }

    private static void verify(String topic, Map<Integer, List<Sent>> sent) {
        List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                new TopicPartition(topic, 2));
        List<ConsumerRecord<byte[], byte[]>> read = Clients.readAll(node.bootstrap(), partitions, RECORDS,
                Duration.ofSeconds(60));
        assertEquals(RECORDS, read.size(), "records read back from " + topic);
        Map<Integer, Integer> position = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read) {
            int index = position.merge(r.partition(), 1, Integer::sum) - 1;
            Sent expected = sent.get(r.partition()).get(index);
            assertEquals(index, r.offset(), "offsets are dense from 0 in " + topic + "-" + r.partition());
            assertEquals(expected.offset(), r.offset());
            assertArrayEquals(expected.key(), r.key());
            assertArrayEquals(expected.value(), r.value());
            Header[] headers = r.headers().toArray();
            assertEquals(expected.headers().size(), headers.length);
            for (int h = 0; h < headers.length; h++) {
                assertEquals(expected.headers().get(h).key(), headers[h].key());
                assertArrayEquals(expected.headers().get(h).value(), headers[h].value());
            }
        }
        assertTrue(position.values().stream().allMatch(n -> n > 3000));
    }
}
