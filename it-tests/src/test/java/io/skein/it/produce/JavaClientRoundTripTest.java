package io.skein.it.produce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * 10,000 records with keys, values of varied sizes and headers, sent across 3 partitions by a
 * producer with kafka-clients' default config (idempotent, acks=all), come back through an
 * assign()-based consumer byte for byte, in send order per partition, at dense offsets from 0 —
 * with every compression type, and again after a clean restart of the broker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JavaClientRoundTripTest {

    private static final List<String> COMPRESSIONS = List.of("none", "gzip", "snappy", "lz4", "zstd");
    private static final int RECORDS = 10_000;
    private static final int PARTITIONS = 3;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(120);

    private static TestBroker broker;
    private static final Map<String, SentRecords> produced = new LinkedHashMap<>();
    private static final Map<String, Integer> attempts = new HashMap<>();

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.start("roundtrip");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Order(1)
    @ParameterizedTest(name = "compression.type={0}")
    @FieldSource("COMPRESSIONS")
    void readsBackEveryRecordByteIdenticalInSendOrder(String compression) throws Exception {
        SentRecords sent = produceOnce(compression);

        assertReadsBackIdentically(sent);
    }

    @Order(2)
    @Test
    void readsEverythingBackIdenticallyAfterACleanRestart() throws Exception {
        for (String compression : COMPRESSIONS) {
            produceOnce(compression); // already done when the parameterized test ran first
        }

        int exitCode = broker.restart();

        assertEquals(0, exitCode, "exit code of the clean stop (SIGTERM); output:\n" + broker.outputTail());
        for (SentRecords sent : produced.values()) {
            assertReadsBackIdentically(sent);
        }
    }

    private static SentRecords produceOnce(String compression) throws Exception {
        SentRecords existing = produced.get(compression);
        if (existing != null) {
            return existing;
        }
        // a new topic per attempt: a failed attempt (whose test failed already) must not fail the next
        int attempt = attempts.merge(compression, 1, Integer::sum);
        String topic = broker.topic("roundtrip-" + compression + (attempt > 1 ? "-attempt" + attempt : ""));
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
            Clients.awaitTopic(admin, topic, PARTITIONS, Duration.ofSeconds(30));
        }
        SentRecords sent = new SentRecords(topic, compression.hashCode(), System.currentTimeMillis() - 60_000, RECORDS);
        List<Future<RecordMetadata>> acks = new ArrayList<>(RECORDS);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap(),
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression))) {
            for (int i = 0; i < RECORDS; i++) {
                acks.add(producer.send(sent.record(i)));
            }
            producer.flush();
            for (int i = 0; i < RECORDS; i++) {
                RecordMetadata md = acks.get(i).get();
                sent.acknowledged(i, md.partition(), md.offset());
            }
        }
        produced.put(compression, sent);
        return sent;
    }

    private static void assertReadsBackIdentically(SentRecords sent) {
        List<List<Integer>> expected = sent.indicesByPartition(PARTITIONS);
        for (int p = 0; p < PARTITIONS; p++) {
            assertTrue(expected.get(p).size() > RECORDS / 10, "the keys spread over all partitions: partition " + p
                    + " got " + expected.get(p).size());
            for (int n = 0; n < expected.get(p).size(); n++) {
                assertEquals(n, sent.offset(expected.get(p).get(n)),
                        "acknowledged offsets are dense from 0 in send order in partition " + p);
            }
        }

        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(sent.topic(), p));
        }
        List<List<ConsumerRecord<byte[], byte[]>>> read = new ArrayList<>();
        partitions.forEach(tp -> read.add(new ArrayList<>()));
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            int total = 0;
            while (total < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    read.get(r.partition()).add(r);
                    total++;
                }
            }
            assertEquals(RECORDS, total, "records read back from " + sent.topic() + " within " + READ_TIMEOUT);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (int p = 0; p < PARTITIONS; p++) {
                assertEquals((long) expected.get(p).size(), ends.get(partitions.get(p)), "end offset of partition " + p);
            }
        }

        for (int p = 0; p < PARTITIONS; p++) {
            List<ConsumerRecord<byte[], byte[]>> got = read.get(p);
            assertEquals(expected.get(p).size(), got.size(), "records in partition " + p);
            for (int n = 0; n < got.size(); n++) {
                assertSameRecord(sent, expected.get(p).get(n), n, got.get(n));
            }
        }
    }

    private static void assertSameRecord(SentRecords sent, int index, long expectedOffset,
                                         ConsumerRecord<byte[], byte[]> got) {
        String where = sent.topic() + "-" + got.partition() + "@" + got.offset() + " (record #" + index + ")";
        assertEquals(expectedOffset, got.offset(), "offset of the next record in " + where);
        assertArrayEquals(sent.key(index), got.key(), "key of " + where);
        assertArrayEquals(sent.value(index), got.value(), "value of " + where);
        assertEquals(sent.timestamp(index), got.timestamp(), "timestamp of " + where);
        List<Header> want = sent.headers(index);
        Header[] have = got.headers().toArray();
        assertEquals(want.size(), have.length, "header count of " + where);
        for (int h = 0; h < have.length; h++) {
            assertEquals(want.get(h).key(), have[h].key(), "header " + h + " key of " + where);
            assertArrayEquals(want.get(h).value(), have[h].value(), "header " + h + " value of " + where);
        }
    }
}
