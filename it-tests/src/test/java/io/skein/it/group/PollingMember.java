package io.skein.it.group;

import io.skein.it.harness.Clients;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A group member polling on a thread of its own: publishes its assignment after every poll and
 * counts the rebalance callbacks that moved partitions (revoked or assigned a non-empty set).
 * {@link #close()} closes the consumer the way the application would.
 */
final class PollingMember implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicReference<Set<TopicPartition>> owned = new AtomicReference<>(Set.of());
    private final AtomicInteger partitionMoves = new AtomicInteger();
    private volatile boolean running = true;
    private volatile Throwable failure;

    PollingMember(String bootstrap, String topic, Map<String, String> config) {
        consumer = Clients.consumer(bootstrap, config);
        thread = new Thread(() -> run(topic), "member-" + config.getOrDefault("client.id", "?"));
        thread.start();
    }

    private void run(String topic) {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    count(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    count(partitions);
                }
            });
            while (running) {
                consumer.poll(Duration.ofMillis(100));
                owned.set(Set.copyOf(consumer.assignment()));
            }
            consumer.close(Duration.ofSeconds(10));
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void count(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            partitionMoves.incrementAndGet();
        }
    }

    Set<TopicPartition> owned() {
        return owned.get();
    }

    /** How many rebalance callbacks so far revoked or assigned at least one partition. */
    int partitionMoves() {
        return partitionMoves.get();
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(30_000);
        owned.set(Set.of());
    }
}
