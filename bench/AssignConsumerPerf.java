import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumer throughput without a consumer group: assigns every partition of the topic, seeks to
 * the beginning and reads until it has seen the given number of records. Prints one
 * "consume_MBps <value>" line (MB = 2^20 bytes, like Kafka's perf tools) for bench scripts.
 *
 * Usage: java -cp <kafka-clients jars> AssignConsumerPerf.java BOOTSTRAP TOPIC RECORDS [CLIENT_PROPERTIES]
 * (CLIENT_PROPERTIES: a file of extra client settings, e.g. security.protocol=SASL_SSL and its keys)
 */
public class AssignConsumerPerf {
    public static void main(String[] args) {
        String bootstrap = args[0];
        String topic = args[1];
        long wanted = Long.parseLong(args[2]);
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        if (args.length > 3) {
            try (java.io.Reader r = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(args[3]))) {
                p.load(r);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long records = 0;
            long bytes = 0;
            long start = System.nanoTime();
            long deadline = start + Duration.ofMinutes(10).toNanos();
            while (records < wanted && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofSeconds(1));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    records++;
                    bytes += r.serializedValueSize() + Math.max(0, r.serializedKeySize());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double mb = bytes / (1024.0 * 1024.0);
            System.out.printf("consume_records %d%n", records);
            System.out.printf("consume_seconds %.3f%n", seconds);
            System.out.printf("consume_MBps %.2f%n", mb / seconds);
            if (records < wanted) {
                System.err.println("only " + records + " of " + wanted + " records arrived");
                System.exit(1);
            }
        }
    }
}
