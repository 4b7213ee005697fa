package io.skein.it.txn;

import io.skein.it.harness.Clients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;

/** Transactional producers and isolation-aware readers for the transaction tests. */
final class TxnClients {

    private TxnClients() {
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap, String transactionalId, Map<String, String> extra) {
        Map<String, String> config = new java.util.HashMap<>(extra);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        return Clients.producer(bootstrap, config);
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap, String transactionalId) {
        return producer(bootstrap, transactionalId, Map.of());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Every value of {@code partitions} from the beginning up to the end offset the consumer sees
     * with {@code isolation} (the last stable offset for read_committed), in partition order.
     */
    static List<String> read(String bootstrap, List<TopicPartition> partitions, String isolation, Duration timeout) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + partitions + " up to " + ends + " with " + isolation);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            records.sort(java.util.Comparator.comparing((ConsumerRecord<byte[], byte[]> r) -> r.partition())
                    .thenComparingLong(ConsumerRecord::offset));
            records.forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
        }
        return values;
    }

    static List<String> readCommitted(String bootstrap, List<TopicPartition> partitions) {
        return read(bootstrap, partitions, "read_committed", Duration.ofSeconds(60));
    }

    static List<String> readUncommitted(String bootstrap, List<TopicPartition> partitions) {
        return read(bootstrap, partitions, "read_uncommitted", Duration.ofSeconds(60));
    }

    static List<TopicPartition> partitions(String topic, int count) {
        List<TopicPartition> out = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            out.add(new TopicPartition(topic, p));
        }
        return out;
    }
}
