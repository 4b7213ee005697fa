import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Transactional produce throughput and commit latency: one transactional producer (acks=all,
 * client defaults otherwise) writes TRANSACTIONS transactions of SIZE records of 1 KiB to a
 * 3-partition topic, after 2 warm-up transactions. Each commit is timed from commitTransaction()
 * after a flush (so it measures EndTxn and the markers, not the sends) to its return.
 *
 * Prints "metric value" lines: txnSIZE_records_per_s (records over the whole run, sends and
 * commits), txnSIZE_commit_ms_p50 and txnSIZE_commit_ms_p99.
 *
 * Usage: java -cp <kafka-clients jars> TransactionPerf.java BOOTSTRAP SIZE TRANSACTIONS [REPLICATION_FACTOR]
 * (default 1; give 3 against a three-node cluster with min.insync.replicas=2, which refuses RF 1)
 */
public class TransactionPerf {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int size = Integer.parseInt(args[1]);
        int transactions = Integer.parseInt(args[2]);
        short replicationFactor = args.length > 3 ? Short.parseShort(args[3]) : 1;
        String topic = "txn-perf-" + size;
        Properties common = new Properties();
        common.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(common)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, 3, replicationFactor))).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        Properties p = new Properties();
        p.putAll(common);
        p.put("transactional.id", "txn-perf-" + size + "-" + System.nanoTime());
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        byte[] value = new byte[1024];
        List<Double> commitMs = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            long started = 0;
            for (int t = -2; t < transactions; t++) {
                if (t == 0) {
                    started = System.nanoTime();
                }
                producer.beginTransaction();
                for (int i = 0; i < size; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 3, null, value));
                }
                producer.flush();
                long commit = System.nanoTime();
                producer.commitTransaction();
                if (t >= 0) {
                    commitMs.add((System.nanoTime() - commit) / 1e6);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Collections.sort(commitMs);
            System.out.printf("txn%d_records_per_s %.1f%n", size, (double) size * transactions / seconds);
            System.out.printf("txn%d_commit_ms_p50 %.2f%n", size, commitMs.get(commitMs.size() / 2));
            System.out.printf("txn%d_commit_ms_p99 %.2f%n", size,
                    commitMs.get(Math.min(commitMs.size() - 1, (int) Math.ceil(commitMs.size() * 0.99) - 1)));
        }
    }
}
