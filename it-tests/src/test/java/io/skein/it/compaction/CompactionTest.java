package io.skein.it.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.Clients;
import io.skein.it.harness.SkeinNode;
import io.skein.it.harness.TestBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A compacted topic (1 MiB segments, {@code min.cleanable.dirty.ratio=0.01},
 * {@code delete.retention.ms=0}) on a node whose cleaner looks for work every 200 ms: after many
 * versions of each key and tombstones for some, a read from the beginning shows exactly one record
 * per live key, with its latest value at the offset the producer was told, and none of the
 * deleted keys; a record without a key is refused as Kafka refuses it.
 */
class CompactionTest {

    private static final int KEYS = 200;
    private static final int VERSIONS = 25;
    private static final int DELETED = 50;
    private static final Map<String, String> FAST_CLEANER = Map.of("log.cleaner.backoff.ms", "200",
            "log.segment.delete.delay.ms", "0");

    private static byte[] value(String key, int version) {
        byte[] text = (key + "@" + version).getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1000).put(text).array();
    }

    private static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8).trim().replace("\0", "");
    }

    @Test
    void readShowsTheLatestValueOfEveryLiveKeyAtItsOffsetAndNoDeletedKey() throws Exception {
        TopicPartition tp = new TopicPartition("compacted", 0);
        try (SkeinNode node = SkeinNode.start("compaction", TestBroker.freshDataDir("compaction"), FAST_CLEANER)) {
            try (Admin admin = Clients.admin(node.bootstrap())) {
                admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1).configs(Map.of(
                        "cleanup.policy", "compact", "segment.bytes", "1048576", "min.cleanable.dirty.ratio", "0.01",
                        "delete.retention.ms", "0")))).all().get();
                Clients.awaitTopic(admin, tp.topic(), 1, Duration.ofSeconds(30));
            }
            Map<String, Long> latestOffset = new HashMap<>();
            Map<String, String> latestValue = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(node.bootstrap(),
                    Map.of(ProducerConfig.LINGER_MS_CONFIG, "5"))) {
                for (int v = 0; v < VERSIONS; v++) {
                    for (int k = 0; k < KEYS; k++) {
                        String key = "key-" + k;
                        byte[] value = value(key, v);
                        producer.send(new ProducerRecord<>(tp.topic(), 0, bytes(key), value), (md, e) -> {
                            if (e == null) {
                                synchronized (latestOffset) {
                                    latestOffset.merge(key, md.offset(), Math::max);
                                }
                            }
                        });
                        latestValue.put(key, text(value));
                    }
                }
                for (int k = 0; k < DELETED; k++) {
                    producer.send(new ProducerRecord<>(tp.topic(), 0, bytes("key-" + k), null)).get();
                    latestValue.put("key-" + k, null);
                }
                for (int i = 0; i < 1200; i++) { // unique keys: the tombstones' segment rolls and becomes cleanable
                    producer.send(new ProducerRecord<>(tp.topic(), 0, bytes("filler-" + i), value("filler", i)));
                }
                producer.flush();

                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>(tp.topic(), 0, null, value("none", 0))).get());
                assertInstanceOf(InvalidRecordException.class, refused.getCause());
                assertTrue(refused.getCause().getMessage().contains("Compacted topic cannot accept message without key"),
                        refused.getCause().getMessage());
            }

            Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
            Clients.await("one record per key after cleaning", Duration.ofSeconds(60), () -> {
                byKey.clear();
                boolean onePerKey = true;
                for (ConsumerRecord<byte[], byte[]> r : Clients.readToEnd(node.bootstrap(), List.of(tp),
                        Duration.ofSeconds(20))) {
                    onePerKey &= byKey.put(text(r.key()), r) == null;
                }
                return onePerKey && byKey.keySet().stream().noneMatch(k -> k.startsWith("key-")
                        && Integer.parseInt(k.substring(4)) < DELETED);
            });

            for (int k = 0; k < KEYS; k++) {
                String key = "key-" + k;
                ConsumerRecord<byte[], byte[]> r = byKey.get(key);
                if (k < DELETED) {
                    assertTrue(r == null, key + " was deleted");
                    continue;
                }
                assertEquals(latestValue.get(key), text(r.value()), key);
                assertEquals(latestOffset.get(key), r.offset(), "offset of " + key);
            }
            assertTrue(node.logged(l -> l.contains("Cleaned compacted-0")),
                    "an INFO line per cleaning: " + node.outputTail());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
