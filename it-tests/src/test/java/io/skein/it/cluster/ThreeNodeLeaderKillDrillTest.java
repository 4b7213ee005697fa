package io.skein.it.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skein.it.harness.ClusterAdmin;
import io.skein.it.harness.Clients;
import io.skein.it.harness.ThreeNodeCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Leaders killed -9 in turn under a steady acks=all load: nothing acknowledged is lost, duplicated or reordered. */
class ThreeNodeLeaderKillDrillTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static ThreeNodeCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = ThreeNodeCluster.start("drill", Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "500",
                "replica.lag.time.max.ms", "10000"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] value(int i) {
        byte[] v = ("record-" + i + "-").repeat(1 + i % 7).getBytes(StandardCharsets.UTF_8);
        v[0] = (byte) i;
        return v;
    }

    /**
     * Issue 5's fault drill on a small scale: an idempotent acks=all producer writes to three
     * partitions without pause while the leader of one partition after another is killed with -9
     * and restarted; at the end every acknowledged record is present exactly once, in per-partition
     * order. The longest wait between two acknowledgements is printed (availability gap).
     */
    @Test
    void everyAcknowledgedRecordSurvivesRepeatedLeaderKillsExactlyOnceInOrder() throws Exception {
        String topic = "drill";
        int partitions = 3;
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            ClusterAdmin.createReplicated(admin, topic, partitions, 2, TIMEOUT);
        }
        java.util.concurrent.ConcurrentHashMap<Integer, java.util.concurrent.ConcurrentSkipListMap<Long, Long>> acked =
                new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicLong lastAck = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        java.util.concurrent.atomic.AtomicLong longestGapMs = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrap(), Map.of(
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                    ProducerConfig.LINGER_MS_CONFIG, "5",
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "180000"))) {
                for (long seq = 0; running.get(); seq++) {
                    int p = (int) (seq % partitions);
                    long s = seq;
                    producer.send(new ProducerRecord<>(topic, p, Long.toString(s).getBytes(StandardCharsets.UTF_8),
                            value((int) (s % 1000))), (metadata, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                    return;
                                }
                                long now = System.nanoTime();
                                longestGapMs.accumulateAndGet((now - lastAck.getAndSet(now)) / 1_000_000, Math::max);
                                acked.computeIfAbsent(p, k -> new java.util.concurrent.ConcurrentSkipListMap<>())
                                        .put(metadata.offset(), s);
                            });
                    if (seq % 200 == 199) {
                        Thread.sleep(20); // a steady stream, not a flood the kills cannot interleave with
                    }
                }
                producer.flush();
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }, "drill-writer");
        writer.start();
        try {
            for (int round = 0; round < 3; round++) {
                Thread.sleep(2000);
                int victim;
                try (Admin admin = Clients.admin(cluster.bootstrap())) {
                    victim = ClusterAdmin.partition(admin, topic, round % partitions).leader().id();
                }
                cluster.kill(victim);
                Thread.sleep(2000);
                cluster.restart(victim);
                try (Admin admin = Clients.admin(cluster.bootstrap())) {
                    ClusterAdmin.awaitFullIsr(admin, topic, TIMEOUT);
                }
            }
            Thread.sleep(2000);
        } finally {
            running.set(false);
            writer.join(240_000);
        }
        assertEquals(null, failure.get(), "every send acknowledged");
        long total = 0;
        for (int p = 0; p < partitions; p++) {
            java.util.NavigableMap<Long, Long> expected = acked.getOrDefault(p,
                    new java.util.concurrent.ConcurrentSkipListMap<>());
            List<ConsumerRecord<byte[], byte[]>> read = Clients.readToEnd(cluster.bootstrap(),
                    List.of(new TopicPartition(topic, p)), TIMEOUT);
            assertEquals(expected.size(), read.size(), "partition " + p + ": each acknowledged record once");
            long previous = -1;
            for (ConsumerRecord<byte[], byte[]> r : read) {
                long seq = Long.parseLong(new String(r.key(), StandardCharsets.UTF_8));
                assertEquals(expected.get(r.offset()), seq, "partition " + p + " offset " + r.offset());
                assertTrue(seq > previous, "partition " + p + " in order at offset " + r.offset());
                assertArrayEquals(value((int) (seq % 1000)), r.value());
                previous = seq;
            }
            total += read.size();
        }
        System.out.println("drill: " + total + " records acknowledged and read back; longest wait between two "
                + "acknowledgements " + longestGapMs.get() + " ms");
    }
}
