import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Leader failover time: an idempotent acks=all producer writes to every partition of a new RF 3
 * topic at a steady rate; the process leading partition 0 is killed with SIGKILL; for each
 * partition that node led, the time from the kill to the first acknowledgement received after
 * it, of a record sent after it, is reported (the new leader is elected only once the controller fences the dead broker, so
 * this is dominated by the session timeout, 9 s by default on both brokers).
 *
 * <p>Usage: {@code java -cp <kafka-clients classpath> LeaderFailoverPerf.java BOOTSTRAP
 * NODE=PID[,NODE=PID...]}. Prints {@code failover_ms <partition> <ms>} lines and
 * {@code failover_max_ms <ms>}.
 */
public class LeaderFailoverPerf {

    private static final int PARTITIONS = 6;
    private static final int RECORDS_PER_SECOND = 3000;

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        Map<Integer, Long> pids = new HashMap<>();
        for (String pair : args[1].split(",")) {
            String[] kv = pair.split("=");
            pids.put(Integer.parseInt(kv[0].trim()), Long.parseLong(kv[1].trim()));
        }
        String topic = "failover-" + System.currentTimeMillis();
        Properties common = new Properties();
        common.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(common)) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 3))).all().get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!allLed(admin, topic) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        }
        Properties p = new Properties();
        p.putAll(common);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "1");
        p.put("delivery.timeout.ms", "120000");
        p.put("request.timeout.ms", "5000");
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        Map<Integer, AtomicLong> lastAckNanos = new ConcurrentHashMap<>();
        for (int i = 0; i < PARTITIONS; i++) {
            lastAckNanos.put(i, new AtomicLong());
        }
        Map<Integer, Long> firstAckAfterKill = new ConcurrentHashMap<>();
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        byte[] value = new byte[100];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            long start = System.nanoTime();
            long sent = 0;
            int victim = -1;
            List<Integer> victimPartitions = new ArrayList<>();
            while (true) {
                long elapsed = System.nanoTime() - start;
                if (victim < 0 && elapsed > TimeUnit.SECONDS.toNanos(5)) {
                    Map<Integer, Integer> leaders = leaders(bootstrap, topic);
                    victim = leaders.get(0);
                    for (Map.Entry<Integer, Integer> e : leaders.entrySet()) {
                        if (e.getValue() == victim) {
                            victimPartitions.add(e.getKey());
                        }
                    }
                    long pid = pids.get(victim);
                    new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
                    killedAt.set(System.nanoTime());
                    System.out.println("killed node " + victim + " (pid " + pid + "), leader of partitions "
                            + victimPartitions);
                }
                if (victim >= 0 && victimPartitions.stream().allMatch(firstAckAfterKill::containsKey)) {
                    break;
                }
                if (elapsed > TimeUnit.SECONDS.toNanos(120)) {
                    System.out.println("gave up after 120 s");
                    break;
                }
                long due = elapsed * RECORDS_PER_SECOND / 1_000_000_000L;
                while (sent < due) {
                    int partition = (int) (sent % PARTITIONS);
                    long sentAt = System.nanoTime();
                    producer.send(new ProducerRecord<>(topic, partition, null, value), (md, e) -> {
                        if (e == null) {
                            long now = System.nanoTime();
                            lastAckNanos.get(partition).set(now);
                            if (sentAt > killedAt.get()) { // a write sent after the kill
                                firstAckAfterKill.putIfAbsent(partition, now);
                            }
                        }
                    });
                    sent++;
                }
                Thread.sleep(1);
            }
            long max = 0;
            for (int partition : victimPartitions) {
                Long ack = firstAckAfterKill.get(partition);
                long ms = ack == null ? -1 : (ack - killedAt.get()) / 1_000_000;
                max = Math.max(max, ms);
                System.out.println("failover_ms " + partition + " " + ms);
            }
            System.out.println("failover_max_ms " + max);
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }

    private static boolean allLed(Admin admin, String topic) {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return d.partitions().stream().allMatch(pi -> pi.leader() != null && !pi.leader().isEmpty()
                    && pi.isr().size() == 3);
        } catch (Exception e) {
            return false;
        }
    }

    private static Map<Integer, Integer> leaders(String bootstrap, String topic) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            Map<Integer, Integer> leaders = new HashMap<>();
            for (TopicPartitionInfo pi : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                    .partitions()) {
                leaders.put(pi.partition(), pi.leader().id());
            }
            return leaders;
        }
    }
}
