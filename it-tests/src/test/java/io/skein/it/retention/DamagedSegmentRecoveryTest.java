package io.skein.it.retention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestBroker;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Damage on a stopped broker (kill -9 first, so the directory is not marked clean): the last
 * segment file cut in the middle of a batch, and the offset and time index of an older segment
 * deleted. After the restart the torn batch is gone (one WARN line says so), the indexes are
 * rebuilt, every record before the damage is served byte for byte and the log takes appends at
 * the new end.
 */
class DamagedSegmentRecoveryTest {

    private static byte[] value(long i) {
        return ByteBuffer.allocate(4000).putLong(i).putLong(i * 31).array();
    }

    @Test
    void servesEverythingBeforeACutBatchAndRebuildsADeletedIndex() throws Exception {
        Path data = TestBroker.freshDataDir("damaged-segments");
        TopicPartition tp = new TopicPartition("damaged", 0);
        try (SkeinNode node = SkeinNode.start("damaged-segments", data, Map.of())) {
            try (Admin admin = Clients.admin(node.bootstrap())) {
                admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1)
                        .configs(Map.of("segment.bytes", "1048576")))).all().get();
                Clients.awaitTopic(admin, tp.topic(), 1, Duration.ofSeconds(30));
            }
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(),
                    Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"))) {
                for (long i = 0; i < 700; i++) {
                    producer.send(new ProducerRecord<>(tp.topic(), 0, null, value(i)));
                }
                producer.flush();
            }
            Path dir = data.resolve(tp.topic() + "-0");
            node.kill();

            List<Path> segments;
            try (Stream<Path> files = Files.list(dir)) {
                segments = files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
            }
            assertTrue(segments.size() >= 3, "several segments: " + segments);
            Path last = segments.get(segments.size() - 1);
            long lastBase = Long.parseLong(last.getFileName().toString().substring(0, 20));
            long lastSize = Files.size(last);
            try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
                ch.truncate(lastSize - 1000); // inside the last batch
            }
            Path firstIndex = dir.resolve("00000000000000000000.index");
            Files.delete(firstIndex);
            Files.delete(dir.resolve("00000000000000000000.timeindex"));

            node.restartAfterKill();

            assertTrue(node.logged(l -> l.contains("WARN") && l.contains("Recovered damaged-0")
                    && l.contains("truncated")), "one WARN line about the cut: " + node.outputTail());
            assertTrue(Files.size(firstIndex) > 0, "the lost index is rebuilt");
            List<ConsumerRecord<byte[], byte[]>> read = Clients.readToEnd(node.bootstrap(), List.of(tp),
                    Duration.ofSeconds(60));
            long end = read.size();
            assertTrue(end >= lastBase && end < 700, "the log ends inside the damaged segment: " + end);
            for (int i = 0; i < read.size(); i++) {
                assertEquals(i, read.get(i).offset());
                assertArrayEquals(value(i), read.get(i).value());
            }
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap())) {
                RecordMetadata md = producer.send(new ProducerRecord<>(tp.topic(), 0, null, value(9999))).get();
                assertEquals(end, md.offset());
            }
        }
    }

}
