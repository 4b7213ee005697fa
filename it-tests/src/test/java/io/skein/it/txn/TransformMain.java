package io.skein.it.txn;

import io.skein.it.harness.Clients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A consume-transform-produce processor in a JVM of its own, so a test can {@code kill -9} it
 * inside a transaction. Args: bootstrap, input topic, partitions, output topic, group,
 * transactional id, pause inside each transaction in ms. Reads the input (read_committed, from
 * the group's committed offsets), writes {@code out-<value>} per record and the offsets in one
 * transaction per poll, and prints {@code committed <records so far>} after each commit; exits
 * with {@code done} once its positions reach the input's end offsets as of its start.
 */
public final class TransformMain {

    private TransformMain() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String input = args[1];
        int partitions = Integer.parseInt(args[2]);
        String output = args[3];
        String group = args[4];
        String transactionalId = args[5];
        long pauseMs = Long.parseLong(args[6]);
        List<TopicPartition> tps = TxnClients.partitions(input, partitions);
        try (KafkaProducer<byte[], byte[]> producer = TxnClients.producer(bootstrap, transactionalId);
             KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of(
                     ConsumerConfig.GROUP_ID_CONFIG, group,
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10"))) {
            producer.initTransactions(); // fences an earlier instance and aborts its open transaction
            consumer.assign(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            long processed = 0;
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    producer.send(new ProducerRecord<>(output, r.partition(), null,
                            ("out-" + new String(r.value(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
                    next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
                producer.flush();
                Thread.sleep(pauseMs); // a kill now lands inside the open transaction
                producer.commitTransaction();
                processed += records.count();
                System.out.println("committed " + processed);
                System.out.flush();
            }
            System.out.println("done");
        }
    }
}
