package io.skein.it.retention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;

/**
 * Retention through kafka-clients against a Skein node that checks retention every 300 ms and
 * deletes retired segment files at once: by time (set live with incrementalAlterConfigs) and by
 * size, old segments are deleted and the earliest offset moves; Admin.deleteRecords moves it and
 * gets Kafka's errors; a consumer positioned below the start offset resets to it.
 */
class RetentionTest {

    private static final Map<String, String> FAST_RETENTION = Map.of(
            "log.retention.check.interval.ms", "300",
            "log.segment.delete.delay.ms", "0");
    private static final int MIB = 1_048_576;

    private static long earliest(Admin admin, TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
    }

    private static long latest(Admin admin, TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
    }

    private static byte[] value(long i, int size) {
        return ByteBuffer.allocate(size).putLong(i).array();
    }

    /** Sends {@code count} records of {@code size} bytes with the given timestamp, numbered from {@code first}. */
    private static void produce(KafkaProducer<byte[], byte[]> producer, TopicPartition tp, long first, int count,
                                int size, Long timestamp) throws Exception {
        for (long i = first; i < first + count; i++) {
            producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), timestamp, null, value(i, size)));
        }
        producer.flush();
    }

    private static List<Path> segmentFiles(Path partitionDir) {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long baseOf(Path segment) {
        return Long.parseLong(segment.getFileName().toString().substring(0, 20));
    }

    @Test
    void retentionByTimeSetLiveDeletesOldSegmentsAndMovesTheEarliestOffset() throws Exception {
        Path data = TestBroker.freshDataDir("retention-time");
        try (SkeinNode node = SkeinNode.start("retention-time", data, FAST_RETENTION);
             Admin admin = Clients.admin(node.bootstrap());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap())) {
            TopicPartition tp = new TopicPartition("aging", 0);
            admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1)
                    .configs(Map.of("segment.bytes", Integer.toString(MIB))))).all().get();
            Clients.awaitTopic(admin, tp.topic(), 1, Duration.ofSeconds(30));
            long twoHoursAgo = System.currentTimeMillis() - 7_200_000L;
            produce(producer, tp, 0, 300, 8 * 1024, twoHoursAgo); // 2.4 MB: two full 1 MiB segments and a bit
            produce(producer, tp, 300, 20, 100, null);
            Path dir = data.resolve(tp.topic() + "-0");
            assertTrue(segmentFiles(dir).size() >= 3, "several segments: " + segmentFiles(dir));
            assertEquals(0, earliest(admin, tp));

            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, tp.topic());
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                    new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET)))).all().get();

            Clients.await("the old segments to be deleted", Duration.ofSeconds(30),
                    () -> segmentFiles(dir).size() == 1);
            long start = earliest(admin, tp);
            assertEquals(baseOf(segmentFiles(dir).get(0)), start);
            assertTrue(start > 0 && start <= 300, "the segment with recent records stays: " + start);
            assertEquals(320, latest(admin, tp));
            List<ConsumerRecord<byte[], byte[]>> read = Clients.readToEnd(node.bootstrap(), List.of(tp),
                    Duration.ofSeconds(30));
            assertEquals(320 - start, read.size());
            assertEquals(start, read.get(0).offset());
            assertArrayEquals(value(319, 100), read.get(read.size() - 1).value());
        }
    }

    @Test
    void retentionBytesKeepsThePartitionNearItsLimit() throws Exception {
        Path data = TestBroker.freshDataDir("retention-bytes");
        try (SkeinNode node = SkeinNode.start("retention-bytes", data, FAST_RETENTION);
             Admin admin = Clients.admin(node.bootstrap());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap())) {
            TopicPartition tp = new TopicPartition("sized", 0);
            admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1).configs(Map.of(
                    "segment.bytes", Integer.toString(MIB), "retention.bytes", Integer.toString(MIB)))))
                    .all().get();
            Clients.awaitTopic(admin, tp.topic(), 1, Duration.ofSeconds(30));

            produce(producer, tp, 0, 500, 8 * 1024, null); // about 4 MB

            Path dir = data.resolve(tp.topic() + "-0");
            Clients.await("the oldest segments to be deleted", Duration.ofSeconds(30), () -> {
                try {
                    return earliest(admin, tp) > 0 && segmentFiles(dir).size() <= 2;
                } catch (Exception e) {
                    return false;
                }
            });
            List<Path> left = segmentFiles(dir);
            long total = 0;
            for (Path p : left) {
                total += Files.size(p);
            }
            assertTrue(total >= MIB, "retention.bytes of data stays: " + total);
            assertTrue(total - Files.size(left.get(0)) < MIB, "no more than needed stays: " + total);
            assertEquals(baseOf(left.get(0)), earliest(admin, tp));
        }
    }

    @Test
    void deleteRecordsMovesTheStartOffsetAndAConsumerBelowItResets() throws Exception {
        try (TestBroker broker = TestBroker.start("delete-records");
             Admin admin = Clients.admin(broker.bootstrap());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            TopicPartition tp = new TopicPartition(broker.topic("trimmed"), 0);
            TopicPartition compacted = new TopicPartition(broker.topic("table"), 0);
            admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1),
                    new NewTopic(compacted.topic(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                    .all().get();
            Clients.awaitTopic(admin, tp.topic(), 1, Duration.ofSeconds(30));
            Clients.awaitTopic(admin, compacted.topic(), 1, Duration.ofSeconds(30));
            produce(producer, tp, 0, 100, 64, null);
            producer.send(new ProducerRecord<>(compacted.topic(), 0, new byte[] {1}, new byte[] {2})).get();

            long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(40))).lowWatermarks().get(tp).get()
                    .lowWatermark();

            assertEquals(40, low);
            assertEquals(40, earliest(admin, tp));
            ExecutionException beyond = assertThrows(ExecutionException.class, () -> admin.deleteRecords(
                    Map.of(tp, RecordsToDelete.beforeOffset(101))).lowWatermarks().get(tp).get());
            assertInstanceOf(OffsetOutOfRangeException.class, beyond.getCause());
            ExecutionException policy = assertThrows(ExecutionException.class, () -> admin.deleteRecords(
                    Map.of(compacted, RecordsToDelete.beforeOffset(1))).lowWatermarks().get(compacted).get());
            assertInstanceOf(PolicyViolationException.class, policy.getCause());
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap(),
                    Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
                consumer.assign(List.of(tp));
                consumer.seek(tp, 10); // below the start offset: OFFSET_OUT_OF_RANGE, then reset to earliest
                List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
                Clients.await("the consumer to read from the new start offset", Duration.ofSeconds(30), () -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                    return read.size() >= 60;
                });
                assertEquals(40, read.get(0).offset());
                assertArrayEquals(value(40, 64), read.get(0).value());
                assertEquals(60, read.size());
            }
            long all = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(-1))).lowWatermarks().get(tp).get()
                    .lowWatermark();
            assertEquals(100, all, "-1 means the high watermark");
        }
    }
}
