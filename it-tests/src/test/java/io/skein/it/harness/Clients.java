package io.skein.it.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** kafka-clients instances pointed at a test broker, and waiting with a deadline. */
public final class Clients {

    private Clients() {
    }

    public static Admin admin(String bootstrap) {
        return admin(bootstrap, Map.of());
    }

    /** An Admin client with these overrides (e.g. a short {@code request.timeout.ms} while a node is frozen). */
    public static Admin admin(String bootstrap, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.putAll(overrides);
        return Admin.create(p);
    }

    /** A producer with kafka-clients' default config (idempotent, acks=all) plus the given overrides. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(overrides);
        return new KafkaProducer<>(p);
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return producer(bootstrap, Map.of());
    }

    /** A consumer outside any group: no group.id, no commits; use assign() and seek. */
    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putAll(overrides);
        return new KafkaConsumer<>(p);
    }

    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return consumer(bootstrap, Map.of());
    }

    /**
     * Waits until Admin describes the topic with the expected number of partitions, each with a
     * leader, and every partition answers ListOffsets: a created topic may take a moment to reach
     * the metadata a broker serves, and a moment more before its leader accepts requests (Kafka
     * answers NOT_LEADER_OR_FOLLOWER in between). Producing before that is a separate concern
     * from what most tests check.
     */
    public static TopicDescription awaitTopic(Admin admin, String topic, int partitions, Duration timeout) {
        TopicDescription[] last = new TopicDescription[1];
        await("topic " + topic + " with " + partitions + " partitions, each with a leader", timeout, () -> {
            try {
                last[0] = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                return last[0].partitions().size() == partitions
                        && last[0].partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
            } catch (ExecutionException e) {
                return false; // not known yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        try {
            admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS); // Admin retries NOT_LEADER
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the partitions of " + topic + " do not answer ListOffsets: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return last[0];
    }

    /** Polls the condition every 50 ms until it holds; fails naming {@code what} if the deadline passes first. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        if (!waitFor(condition, timeout)) {
            throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
        }
    }

    /** Polls the condition every 50 ms until it holds or the deadline passes; returns whether it held. */
    public static boolean waitFor(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    /** Reads every partition from its beginning to the end offset it has when the call starts. */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(String bootstrap, List<TopicPartition> partitions,
                                                               Duration timeout) {
        return readToEnd(bootstrap, partitions, Map.of(), timeout);
    }

    /**
     * Like {@link #readToEnd(String, List, Duration)} with a consumer that has these overrides
     * (e.g. {@code isolation.level}, whose end offset is then the last stable offset).
     */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(String bootstrap, List<TopicPartition> partitions,
                                                               Map<String, String> overrides, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, overrides)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
