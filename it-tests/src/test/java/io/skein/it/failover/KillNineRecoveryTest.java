package io.skein.it.failover;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.SkeinNode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * kill -9 during a produce storm (acks=1, several partitions): after a restart every acknowledged
 * record is there, byte-identical, at the offset it was acknowledged with, and the log accepts
 * appends.
 */
class KillNineRecoveryTest {

    private static final int PARTITIONS = 4;

    @Test
    void everyAcknowledgedRecordSurvivesKillNine() throws Exception {
        Path data = Path.of("target", "it-data", "kill9-" + System.nanoTime());
        Map<TopicPartition, Map<Long, byte[]>> acked = new ConcurrentHashMap<>();
        try (SkeinNode node = SkeinNode.start("kill9", data)) {
            try (Admin admin = Clients.admin(node.bootstrap())) {
                admin.createTopics(List.of(new NewTopic("storm", PARTITIONS, (short) 1))).all().get();
            }
            AtomicBoolean running = new AtomicBoolean(true);
            Map<String, String> props = Map.of(
                    ProducerConfig.ACKS_CONFIG, "1",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                    ProducerConfig.LINGER_MS_CONFIG, "2",
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000",
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                    ProducerConfig.RETRIES_CONFIG, "0");
            KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(), props);
            Thread storm = new Thread(() -> {
                long i = 0;
                while (running.get()) {
                    byte[] value = ByteBuffer.allocate(200).putLong(i).putLong(System.nanoTime()).array();
                    int partition = (int) (i % PARTITIONS);
                    producer.send(new ProducerRecord<>("storm", partition, null, value), (md, e) -> {
                        if (e == null) {
                            acked.computeIfAbsent(new TopicPartition("storm", md.partition()),
                                    tp -> new ConcurrentHashMap<>()).put(md.offset(), value);
                        }
                    });
                    i++;
                }
            }, "produce-storm");
            storm.start();
            assertTrue(Clients.waitFor(() -> total(acked) > 20_000, Duration.ofSeconds(60)), "the storm got going");

            node.kill();
            running.set(false);
            storm.join(30_000);
            producer.close(Duration.ofSeconds(10));
            Map<TopicPartition, Map<Long, byte[]>> snapshot = new HashMap<>(acked);

            node.restartAfterKill();

            List<TopicPartition> partitions = new ArrayList<>(snapshot.keySet());
            List<ConsumerRecord<byte[], byte[]>> read = Clients.readToEnd(node.bootstrap(), partitions,
                    Duration.ofSeconds(120));
            assertTrue(read.size() >= total(snapshot), "at least every acknowledged record is read back");
            Map<TopicPartition, Map<Long, byte[]>> found = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : read) {
                found.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), tp -> new HashMap<>())
                        .put(r.offset(), r.value());
            }
            for (Map.Entry<TopicPartition, Map<Long, byte[]>> e : snapshot.entrySet()) {
                for (Map.Entry<Long, byte[]> record : e.getValue().entrySet()) {
                    byte[] back = found.getOrDefault(e.getKey(), Map.of()).get(record.getKey());
                    assertArrayEquals(record.getValue(), back, "acknowledged record " + e.getKey() + "@"
                            + record.getKey() + " after kill -9");
                }
            }
            try (KafkaProducer<byte[], byte[]> after = Clients.producer(node.bootstrap())) {
                long offset = after.send(new ProducerRecord<>("storm", 0, null, "after".getBytes())).get().offset();
                assertTrue(offset >= snapshot.get(new TopicPartition("storm", 0)).size(),
                        "appends continue after the recovered end");
            }
            assertEquals(0, node.stop());
        }
    }

    private static int total(Map<TopicPartition, Map<Long, byte[]>> acked) {
        return acked.values().stream().mapToInt(Map::size).sum();
    }
}
