import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Rebalance time of a consumer group and offset-commit throughput, for one group protocol.
 *
 * A group of GROUP_SIZE - 1 consumers (each polling on its own thread) owns a topic of PARTITIONS
 * partitions; then, CYCLES times, one more consumer joins (join time: from its subscribe until
 * every partition is owned by exactly one of the GROUP_SIZE members, each owning at least one)
 * and one leaves with close() (leave time: from close until the others own every partition
 * exactly once again). Then one consumer commits offsets for 6 partitions with commitSync in a
 * loop for COMMIT_SECONDS (one commit in flight).
 *
 * Modes: eager (classic, RangeAssignor), cooperative (classic, CooperativeStickyAssignor),
 * consumer (KIP-848, group.protocol=consumer, the broker's default assignor). Client defaults
 * otherwise (heartbeat.interval.ms 3000 for classic; the broker's
 * group.consumer.heartbeat.interval.ms for KIP-848), so both brokers are measured alike.
 *
 * Prints "metric value" lines: MODE_join_ms (median), MODE_leave_ms (median), MODE_commits_per_s.
 *
 * Usage: java -cp <kafka-clients jars> GroupRebalancePerf.java BOOTSTRAP MODE [GROUP_SIZE] [CYCLES]
 */
public class GroupRebalancePerf {

    static final int PARTITIONS = 30;
    static final int COMMIT_SECONDS = 10;

    /** One member: polls on its own thread and publishes its assignment after each poll. */
    static final class Member {
        final KafkaConsumer<byte[], byte[]> consumer;
        final AtomicReference<Set<TopicPartition>> owned = new AtomicReference<>(Set.of());
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread thread;

        Member(Properties props, String topic) {
            consumer = new KafkaConsumer<>(props);
            thread = new Thread(() -> {
                consumer.subscribe(List.of(topic));
                while (running.get()) {
                    consumer.poll(Duration.ofMillis(50));
                    owned.set(Set.copyOf(consumer.assignment()));
                }
                consumer.close(Duration.ofSeconds(30));
            });
            thread.start();
        }

        void leave() throws InterruptedException {
            owned.set(Set.of());
            running.set(false);
            thread.join();
        }
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String mode = args[1];
        int groupSize = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int cycles = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        String topic = "rebalance-" + mode + "-" + System.currentTimeMillis();
        String group = "bench-" + topic;

        Properties admin = new Properties();
        admin.put("bootstrap.servers", bootstrap);
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        Thread.sleep(1000);

        List<Member> members = new ArrayList<>();
        for (int i = 0; i < groupSize - 1; i++) {
            members.add(new Member(consumerProps(bootstrap, group, mode), topic));
        }
        await(() -> ownedOnce(members), Duration.ofMinutes(2), "initial group of " + (groupSize - 1));

        long[] joins = new long[cycles];
        long[] leaves = new long[cycles];
        for (int c = 0; c < cycles; c++) {
            long start = System.nanoTime();
            members.add(new Member(consumerProps(bootstrap, group, mode), topic));
            await(() -> ownedOnce(members), Duration.ofMinutes(2), "join " + c);
            joins[c] = (System.nanoTime() - start) / 1_000_000;
            Thread.sleep(2000);

            Member leaving = members.remove(0);
            start = System.nanoTime();
            Thread closer = new Thread(() -> {
                try {
                    leaving.leave();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            closer.start();
            await(() -> ownedOnce(members), Duration.ofMinutes(2), "leave " + c);
            leaves[c] = (System.nanoTime() - start) / 1_000_000;
            closer.join();
            Thread.sleep(2000);
        }
        for (Member m : members) {
            m.running.set(false);
        }
        for (Member m : members) {
            m.thread.join();
        }

        double commitsPerSecond = commitThroughput(bootstrap, group + "-commits", topic);
        System.out.println(mode + "_join_ms " + median(joins) + "  runs " + Arrays.toString(joins));
        System.out.println(mode + "_leave_ms " + median(leaves) + "  runs " + Arrays.toString(leaves));
        System.out.printf("%s_commits_per_s %.0f%n", mode, commitsPerSecond);
        try (Admin a = Admin.create(admin)) {
            a.deleteTopics(List.of(topic)).all().get();
        }
    }

    static Properties consumerProps(String bootstrap, String group, String mode) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", group);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        switch (mode) {
            case "eager" -> p.put("partition.assignment.strategy",
                    "org.apache.kafka.clients.consumer.RangeAssignor");
            case "cooperative" -> p.put("partition.assignment.strategy",
                    "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
            case "consumer" -> p.put("group.protocol", "consumer");
            default -> throw new IllegalArgumentException("mode must be eager, cooperative or consumer: " + mode);
        }
        return p;
    }

    static boolean ownedOnce(List<Member> members) {
        Set<TopicPartition> all = new HashSet<>();
        int total = 0;
        for (Member m : members) {
            Set<TopicPartition> owned = m.owned.get();
            if (owned.isEmpty()) {
                return false;
            }
            all.addAll(owned);
            total += owned.size();
        }
        return all.size() == PARTITIONS && total == PARTITIONS;
    }

    static double commitThroughput(String bootstrap, String group, String topic) {
        Properties p = consumerProps(bootstrap, group, "eager");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                partitions.add(new TopicPartition(topic, i));
            }
            consumer.assign(partitions);
            long commits = 0;
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(COMMIT_SECONDS).toNanos();
            while (System.nanoTime() < end) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new java.util.HashMap<>();
                for (TopicPartition tp : partitions) {
                    offsets.put(tp, new OffsetAndMetadata(commits, "bench"));
                }
                consumer.commitSync(offsets);
                commits++;
            }
            return commits / ((System.nanoTime() - start) / 1e9);
        }
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
