package io.skein.it.group;

import io.skein.it.harness.Clients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A group member in a JVM of its own, so a test can {@code kill -9} it: a member that vanishes
 * without leaving its group. Args: bootstrap, group, topic, group.protocol. It reports on stdout,
 * one line each: {@code assigned t-0,t-3}, {@code processed <value>}, {@code committed},
 * {@code commit-failed}. Runs until killed.
 */
public final class GroupMemberMain {

    private GroupMemberMain() {
    }

    /**
     * The consumer settings the group tests use: small batches, earliest reset, and for the classic
     * protocol a 6 s session (the consumer protocol takes its session timeout from the broker).
     * {@code protocol} is {@code consumer} (KIP-848), {@code classic} (eager, range assignor) or
     * {@code classic-cooperative} (cooperative-sticky assignor).
     */
    static Map<String, String> config(String group, String protocol, String clientId) {
        boolean classic = protocol.startsWith("classic");
        Map<String, String> config = new java.util.HashMap<>(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, classic ? "classic" : protocol,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20",
                ConsumerConfig.CLIENT_ID_CONFIG, clientId));
        if (classic) {
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
            config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, protocol.equals("classic-cooperative")
                    ? CooperativeStickyAssignor.class.getName() : RangeAssignor.class.getName());
        }
        return config;
    }

    public static void main(String[] args) throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(args[0], config(args[1], args[3], "child-member"));
        consumer.subscribe(List.of(args[2]));
        String lastAssignment = null;
        while (true) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
            for (ConsumerRecord<byte[], byte[]> r : records) {
                System.out.println("processed " + new String(r.value(), StandardCharsets.UTF_8));
            }
            if (!records.isEmpty()) {
                Thread.sleep(60);
                try {
                    consumer.commitSync();
                    System.out.println("committed");
                } catch (RuntimeException e) {
                    System.out.println("commit-failed");
                }
            }
            String assignment = consumer.assignment().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(","));
            if (!assignment.equals(lastAssignment)) {
                System.out.println("assigned " + assignment);
                lastAssignment = assignment;
            }
            System.out.flush();
        }
    }
}
